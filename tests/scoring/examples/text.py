import hypothesis.strategies as st

from tests.scoring.examples.common import TEXT, reorder_arrays


@st.composite
def text_cases(draw):
    size = draw(st.integers(1, 8))
    return draw(st.lists(TEXT, min_size=size, max_size=size)), draw(
        st.lists(TEXT, min_size=size, max_size=size)
    )


def cases(metric):
    return text_cases()


def perfect(args):
    return args[0], list(args[0])


def rows(args):
    return len(args[0])


reorder = reorder_arrays

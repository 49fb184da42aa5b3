from aileague.cli import main

main()

"""Numerical methods for judging: plain numpy/scipy/OR-Tools code, no Django.

The judging services build arrays from the database, call these functions and store the result;
nothing here knows about models, requests or tasks.
"""

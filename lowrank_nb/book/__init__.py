"""Layer 3: the book's machinery (explorers, live app, sweeps, progress, plotting, set-up).

May import everything below it.
"""

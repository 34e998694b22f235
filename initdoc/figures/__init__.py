"""Figure functions, one module per page topic: Result in, matplotlib Figure out."""

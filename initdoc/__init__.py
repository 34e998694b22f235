"""initdoc: experiments, figures and proofs on weight initialization."""

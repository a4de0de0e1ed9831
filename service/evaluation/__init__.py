"""Detection quality of the flaggers on a labelled set: stories written for crosscheck, with
errors injected by `perturb` (so every expected flag is known), scored with `crosscheck eval`."""

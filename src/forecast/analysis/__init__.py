"""What is built on runs: influence, holdout, sensitivity, history, readers, audit, the
explorer, the results document and the standard-network benchmark."""

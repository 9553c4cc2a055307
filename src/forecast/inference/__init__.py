"""Exact answers over many draws of the tables: the network's structure, compiled queries,
their gradients, summaries of draws, BIF reading and Dirichlet draws of tables."""

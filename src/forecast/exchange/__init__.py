"""The network in other tools: the pgmpy model (pgmpy lives here) and BIF / XMLBIF export."""

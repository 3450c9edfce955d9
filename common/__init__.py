"""What ingest, the stores and the answering layer share, importing nothing else of planqa:
the error tree, text tools (width and script normalisation, Chinese numerals, sentence and
clause splitting, figures), time references, search tokens and the place gazetteer."""

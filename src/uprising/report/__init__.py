"""`uprising report`: one self-contained HTML report of a case study."""

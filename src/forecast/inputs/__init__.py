"""Reading and checking the input files: the file models (pydantic lives here), the checked
study, the words of the yardstick, grades and pushes, quotes against their sources."""

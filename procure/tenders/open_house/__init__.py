"""The open house (toelatingsprocedure): entry moments, applications, admissions."""

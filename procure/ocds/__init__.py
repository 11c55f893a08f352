"""Open contracting data: OCDS 1.1.5 releases of published tenders and open houses, their
awards and contracts (with the lots extension), validated against the vendored schemas."""

"""Files a user takes away: the HTML/PDF report, registry tables (CSV/XLSX) and downloads."""

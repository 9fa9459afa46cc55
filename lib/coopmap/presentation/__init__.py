"""How figures are written and drawn: numbers and units, charts, the briefing shared by the dashboard, the report and the meeting."""

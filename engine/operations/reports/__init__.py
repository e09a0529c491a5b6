"""Read models for statistics and reports up the tree (the reports issue fills this room): SQL
aggregations over dossiers, nominations, decisions and complaints, never Python loops over rows."""

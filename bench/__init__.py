"""`make bench`: the production configuration under load, against a minimal Django view (run.py)."""

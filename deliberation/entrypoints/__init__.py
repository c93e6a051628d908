"""Front ends, one package each: ``cli`` (the command line), ``web`` (the web
application) and ``scheduler`` (the scheduler process). ``tracker_files`` (CSV
and XLSX of the tracker) is shared by the command line and the web.
"""

from deliberation.entrypoints.cli import main

raise SystemExit(main())

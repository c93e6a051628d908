from deliberation.entrypoints.cli.launcher import main

raise SystemExit(main())

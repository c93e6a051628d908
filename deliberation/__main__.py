from deliberation.entrypoints.launcher import main

raise SystemExit(main())

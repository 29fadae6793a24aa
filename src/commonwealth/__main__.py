from commonwealth.cli import main

raise SystemExit(main())

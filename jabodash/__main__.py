from jabodash.cli import main

raise SystemExit(main())

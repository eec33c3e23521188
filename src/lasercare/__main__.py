from lasercare.cli import main

raise SystemExit(main())

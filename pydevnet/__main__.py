"""`python -m pydevnet` is the `devnet` command."""
import sys

from pydevnet import main

sys.exit(main())

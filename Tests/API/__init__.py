# A package, so that this folder's conftest does not take the place of Tests/Browser's
# (both are imported as plain `conftest` otherwise, and the browser tests import from theirs).

//! IR → files. The generators land here (one module per generator); none exists yet.

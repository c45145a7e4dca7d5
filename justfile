# Everyday commands (https://github.com/casey/just). The README's two commands need no just.

# Run the server on the embedded default (SQLite under ./data, http://127.0.0.1:8080)
run:
    cargo run -p nencho-web

# Run every test (PostgreSQL tests skip loudly without a server unless CI=true)
test:
    cargo test --workspace

# Lints as CI runs them
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# What CI runs
ci:
    bash .ci/run

# Benchmarks (criterion)
bench:
    cargo bench -p nencho-tax

# Apply migrations to the configured store
migrate *ARGS:
    cargo run -p nencho-ops -- {{ARGS}} migrate

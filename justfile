# The project's habits, one recipe each (`cargo install just`, then `just <recipe>`).
# Every recipe is a plain cargo command: read it to run it without just.

# fmt, then clippy with warnings as errors: what CI checks first.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# The whole test suite, as CI runs it (simulations, multi-process tests, the CI-length soak).
test:
    cargo nextest run --workspace

# Lint, then test: exactly what .ci/run does.
ci:
    bash .ci/run

# Figures for this machine (signatures, execution, reports, epoch close, network load).
bench:
    cargo run --release -- bench

# A local network with its fleet; Ctrl-C stops it, running it again resumes.
devnet:
    cargo run --release -- devnet

# An unattended soak of the given length (e.g. `just soak 6h`): plot and figures in .terrane/soak.
soak duration="30m":
    cargo run --release -- soak --duration {{duration}}

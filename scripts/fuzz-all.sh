#!/usr/bin/env bash
# Fuzzing as a habit: every cargo-fuzz target for SECONDS each, corpora kept between runs.
#   scripts/fuzz-all.sh SECONDS [TARGET...]     (default: every target of `cargo fuzz list`)
#
# Builds once, then for each target: seeds fuzz/corpus/TARGET from the test fixtures of its
# format (the SEEDS table below; files named by content hash, so re-seeding adds nothing
# twice), runs the target's binary on that corpus for SECONDS, and prints one line:
# executions, executions per second, crash (the artifact saved in fuzz/artifacts/TARGET/),
# corpus size before -> after. The full libFuzzer log is fuzz/artifacts/TARGET/last-run.log.
# Exit status 1 when any target crashed, timed out or ran out of memory.
#
# Corpora and artifacts are gitignored (fuzz/corpus, fuzz/artifacts): they grow with every
# run and are rebuilt from the fixtures in seconds. Inputs are capped like scripts/fuzz.sh:
# 256 bytes for `version`, 4096 for the rest; one input over 10 s is a crash (a timeout).
# Needs cargo-fuzz (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP=1 lets a stable toolchain
# take the sanitizer flags.
set -euo pipefail
shopt -s globstar dotglob nullglob

if [[ $# -lt 1 || ! "$1" =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz-all.sh SECONDS [TARGET...]" >&2
    exit 2
fi
seconds="$1"
shift
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo/fuzz"
export RUSTC_BOOTSTRAP=1

F=crates/polyver-extract/tests/fixtures
# target -> "selector-byte count | fixture globs (relative to the repository)". A target
# whose first input byte picks the file name (N names) gets each seed once per name.
declare -A SEEDS=(
    [advisory_json]="0|crates/polyver-advisory/tests/fixtures/**/*.json"
    [config]="0|crates/*/tests/fixtures/**/polyver.toml"
    [config_mirror]="0|crates/*/tests/fixtures/**/.versions.yaml crates/*/tests/fixtures/**/.compatibility-matrix.yaml"
    [license]="0|crates/polyver-license/tests/fixtures/texts/** crates/polyver-license/tests/fixtures/**/METADATA crates/polyver-license/tests/fixtures/**/LICENSE*"
    [extract_bun_lock]="0|$F/bun-lock/**/bun.lock"
    [extract_cargo_lock]="0|$F/cargo-lock/**/Cargo.lock"
    [extract_cargo_toml]="0|$F/cargo-toml/**/Cargo.toml"
    [extract_compose]="0|$F/compose/**/*.yml $F/compose/**/*.yaml"
    [extract_composer_json]="0|$F/composer/**/composer.json"
    [extract_composer_lock]="0|$F/composer/**/composer.lock"
    [extract_dockerfile]="0|$F/dockerfile/** $F/dockerfile-packages/**"
    [extract_gemfile]="0|$F/gemfile*/**/Gemfile"
    [extract_gemfile_lock]="0|$F/gemfile*/**/Gemfile.lock"
    [extract_github_actions]="0|$F/github-actions/**/*.yml $F/github-actions/**/*.yaml"
    [extract_gitlab_ci]="0|$F/gitlab-ci/**/*.yml"
    [extract_go_mod]="0|$F/go-mod/**/go.mod"
    [extract_go_sum]="0|$F/go-mod/**/go.sum"
    [extract_gradle]="0|$F/gradle/**/*.gradle $F/gradle/**/*.gradle.kts"
    [extract_gradle_catalog]="0|$F/gradle/**/*.toml"
    [extract_gradle_lockfile]="0|$F/gradle-lockfile/**"
    [extract_helm]="0|$F/helm/**/*.yaml $F/helm/**/*.lock"
    [extract_kubernetes]="0|$F/kubernetes/**/*.yaml $F/kubernetes/**/*.yml"
    [extract_migrations]="0|$F/migrations/**"
    [extract_msbuild]="0|$F/dotnet/**/*proj $F/dotnet/**/*.props $F/dotnet/**/packages.config"
    [extract_nuget_lock]="0|$F/dotnet/**/packages.lock.json"
    [extract_openapi]="0|$F/openapi/**"
    [extract_package_json]="0|$F/**/package.json"
    [extract_package_lock]="0|$F/package-lock/**"
    [graph_package_lock]="0|$F/package-lock/**"
    [extract_pdm_lock]="0|$F/pdm-lock/**/pdm.lock"
    [extract_pipfile]="0|$F/pipfile/**/Pipfile"
    [extract_pipfile_lock]="0|$F/pipfile/**/Pipfile.lock"
    [extract_pnpm_lock]="0|$F/pnpm-lock/**"
    [extract_poetry_lock]="0|$F/poetry-lock/**/poetry.lock"
    [extract_pom]="0|$F/pom/**/pom.xml"
    [extract_pulumi]="0|$F/pulumi*/**/Pulumi*.yaml"
    [extract_pylock]="0|$F/pylock/**/pylock*.toml"
    [extract_pyproject]="0|$F/**/pyproject.toml"
    [extract_requirements]="3|$F/requirements/**"
    [extract_setup_cfg]="0|$F/setup-cfg/**/setup.cfg"
    [extract_terraform]="0|$F/terraform/**"
    [extract_uv_lock]="0|$F/uv-lock/**/uv.lock"
    [extract_pubspec_lock]="0|$F/pubspec-lock/**"
    [extract_package_resolved]="0|$F/package-resolved/**"
    [extract_podfile_lock]="0|$F/podfile-lock/**"
    [extract_conan_lock]="0|$F/conan-lock/**"
    [extract_renv_lock]="0|$F/renv-lock/**"
    [extract_paket_lock]="0|$F/paket-lock/**"
    [extract_deps_json]="0|$F/deps-json/**"
    [extract_julia_manifest]="0|$F/julia-manifest/**"
    [extract_stack_lock]="0|$F/stack-lock/**"
    [extract_gradle_wrapper]="0|$F/gradle-wrapper/**"
    [extract_mix_exs]="0|$F/mix*/**/mix.exs"
    [extract_mix_lock]="0|$F/mix*/**/mix.lock"
    [extract_conda_environment]="0|$F/conda-environment/**/*.yml"
    [extract_cloud_build]="0|$F/cloud-build/**/cloudbuild.yaml"
    [extract_skaffold]="0|$F/skaffold/**/skaffold.yaml"
    [extract_jsonnetfile]="0|$F/jsonnetfile/**/jsonnetfile.json"
    [extract_jsonnetfile_lock]="0|$F/jsonnetfile/**/jsonnetfile.lock.json"
    [extract_version_files]="9|$F/version-files/**"
    [extract_yarn_lock]="0|$F/yarn-lock/**/yarn.lock"
)

# Copies the fixtures of target $1 into its corpus, named by content hash.
seed() {
    local t="$1" spec="${SEEDS[$1]:-0|}" corpus="corpus/$1" f i
    local names="${spec%%|*}" globs="${spec#*|}"
    mkdir -p "$corpus"
    for f in $(cd "$repo" && for g in $globs; do printf '%s\n' $g; done); do
        [[ -f "$repo/$f" ]] || continue
        if ((names == 0)); then
            cp "$repo/$f" "$corpus/seed-$(sha1sum <"$repo/$f" | cut -c1-40)"
        else
            for ((i = 0; i < names; i++)); do
                { printf "\\x$(printf %02x "$i")"; cat "$repo/$f"; } >"$corpus/.seed"
                mv "$corpus/.seed" "$corpus/seed-$(sha1sum <"$corpus/.seed" | cut -c1-40)"
            done
        fi
    done
}

cargo fuzz build >&2
bin_dir="target/$(rustc -vV | sed -n 's/^host: //p')/release"
if (($#)); then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

printf '%-24s %12s %9s %-8s %s\n' target executions exec/s crashes "corpus before -> after"
failed=()
for t in "${targets[@]}"; do
    max_len=4096
    [[ "$t" == version ]] && max_len=256
    seed "$t"
    mkdir -p "artifacts/$t"
    before=$(find "corpus/$t" -type f | wc -l)
    log="artifacts/$t/last-run.log"
    started=$(date +%s)
    status=0
    "$bin_dir/$t" "corpus/$t" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
        -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"$log" 2>&1 || status=$?
    elapsed=$(($(date +%s) - started))
    after=$(find "corpus/$t" -type f | wc -l)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    result=0
    if ((status != 0)) || [[ -n "$crash" ]]; then
        result="1 (${crash:-exit $status})"
        failed+=("$t")
    fi
    printf '%-24s %12s %9s %-8s %s -> %s\n' "$t" "${execs:-?}" \
        "$(( ${execs:-0} / (elapsed > 0 ? elapsed : 1) ))" "$result" "$before" "$after"
done

if ((${#failed[@]})); then
    echo "crashed: ${failed[*]} (inputs and logs in fuzz/artifacts/TARGET/)" >&2
    exit 1
fi

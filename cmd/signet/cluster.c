/*
 * Hashing a model across a cluster: `signet digest DIR --plan PLAN`
 * (plan), `signet digest DIR --plan PLAN --part I --out PARTIAL` (one
 * part, on any node), `signet manifest merge PLAN PARTIAL...` (merge and
 * spot-check).  `signet sign DIR --manifest MERGED` is in model_sign.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "manifest.h"
#include "model.h"

/* Options that shape the manifest: the plan carries them. */
static const char *const shaping[] = {
	"hash", "shards", "shard-size", "ignore-paths", "ignore-git-paths",
	"no-ignore-git-paths", "allow-symlinks", "allow-external-symlinks",
	"signature",
};

void
cluster_opts_add(struct cli_args *a)
{
	cli_add(a, "plan", CLI_VALUE);
	cli_add(a, "parts", CLI_VALUE);
	cli_add(a, "part", CLI_VALUE);
	cli_add(a, "part-env", CLI_VALUE);
	cli_add(a, "out", CLI_VALUE);
}

static int
read_plan(const char *path, struct sgn_manifest_plan **out)
{
	struct sgn_errbuf	 eb;
	uint8_t			*buf = NULL;
	size_t			 len;
	sgn_err			 r;

	sgn_errbuf_clear(&eb);
	r = sgn_file_read(path, SGN_MANIFEST_MAX_PLAN_BYTES, &buf, &len, &eb);
	if (r == SGN_OK)
		r = sgn_manifest_plan_parse(buf, len, out, &eb);
	free(buf);
	if (r != SGN_OK) {
		cli_err("%s: %s", path, eb.msg);
		return sgn_err_exit_status(r);
	}
	return 0;
}

/*
 * The part to hash: --part, else the variable --part-env names, else
 * SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX (Kubernetes Indexed
 * Jobs).  -1 (after a message) when none or not a number.
 */
static int
part_index(const struct cli_args *a, size_t n_parts, size_t *out)
{
	const char	*v, *from, *env;
	uint64_t	 x;

	if ((v = cli_get(a, "part")) != NULL) {
		from = "--part";
		if (cli_get(a, "part-env") != NULL) {
			cli_err("digest: --part and --part-env exclude each "
			    "other");
			return -1;
		}
	} else if ((env = cli_get(a, "part-env")) != NULL) {
		from = env;
		if ((v = getenv(env)) == NULL) {
			cli_err("digest: --part-env %s: not set", env);
			return -1;
		}
	} else if ((v = getenv("SLURM_ARRAY_TASK_ID")) != NULL)
		from = "SLURM_ARRAY_TASK_ID";
	else if ((v = getenv("JOB_COMPLETION_INDEX")) != NULL)
		from = "JOB_COMPLETION_INDEX";
	else {
		cli_err("digest: which part? give --part I (or run under a "
		    "Slurm array, a Kubernetes Indexed Job, or --part-env "
		    "NAME)");
		return -1;
	}
	if (cli_u64(v, SGN_MANIFEST_MAX_PARTS, &x) != 0) {
		cli_err("digest: %s: \"%.32s\" is not a part number", from, v);
		return -1;
	}
	if (x >= n_parts) {
		cli_err("digest: %s: part %llu, but the plan has %zu parts "
		    "(0 to %zu)", from, (unsigned long long)x, n_parts,
		    n_parts - 1);
		return -1;
	}
	*out = (size_t)x;
	return 0;
}

static int
write_out(const char *path, const struct sgn_buf *b)
{
	struct sgn_errbuf	eb;

	sgn_errbuf_clear(&eb);
	if (sgn_file_write_atomic(path, b->ptr, b->len, 0644, &eb) !=
	    SGN_OK) {
		cli_err("%s: %s", path, eb.msg);
		return 2;
	}
	return 0;
}

int
cluster_digest(const struct cli_args *a, struct model_run *mr,
    const char *model, int quiet)
{
	struct sgn_manifest_plan	*p = NULL;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 out;
	const char			*plan = cli_get(a, "plan");
	const char			*outp = cli_get(a, "out");
	char				 hex[65];
	uint64_t			 v = 0;
	size_t				 i, part;
	int				 rc = 2;
	sgn_err				 r;

	sgn_errbuf_clear(&eb);
	sgn_buf_init(&out, 0);
	if (cli_flag(a, "manifest")) {
		cli_err("digest: --manifest and --plan exclude each other");
		goto out;
	}
	if (outp == NULL) {
		/* planning */
		if (cli_get(a, "part") != NULL ||
		    cli_get(a, "part-env") != NULL) {
			cli_err("digest: --part needs --out PARTIAL (without "
			    "--out, --plan writes the plan)");
			goto out;
		}
		if (cli_get(a, "parts") != NULL && (cli_u64(cli_get(a,
		    "parts"), SGN_MANIFEST_MAX_PARTS, &v) != 0 || v == 0)) {
			cli_err("digest: --parts takes 1 to %u",
			    SGN_MANIFEST_MAX_PARTS);
			goto out;
		}
		r = sgn_manifest_plan_make(model, &mr->o, (size_t)v, &p, &eb);
		if (r == SGN_OK)
			r = sgn_manifest_plan_write(p, &out, &eb);
		if (r != SGN_OK) {
			cli_err("%s: %s", model, eb.msg);
			rc = sgn_err_exit_status(r);
			goto out;
		}
		if ((rc = write_out(plan, &out)) != 0)
			goto out;
		sgn_hex_encode(sgn_manifest_plan_digest(p), 32, hex);
		if (!quiet)
			fprintf(stderr, "signet: plan %s: %zu units in %zu "
			    "parts, plan sha256:%s\n", plan,
			    sgn_manifest_plan_units(p),
			    sgn_manifest_plan_parts(p), hex);
		rc = 0;
		goto out;
	}
	/* one part: the plan says how to hash */
	for (i = 0; i < sizeof(shaping) / sizeof(shaping[0]); i++)
		if (cli_get(a, shaping[i]) != NULL || cli_flag(a,
		    shaping[i])) {
			cli_err("digest: --%s: with --plan and --out the plan "
			    "says how to hash", shaping[i]);
			goto out;
		}
	if (cli_get(a, "parts") != NULL) {
		cli_err("digest: --parts is for making a plan (without --out)");
		goto out;
	}
	if ((rc = read_plan(plan, &p)) != 0)
		goto out;
	rc = 2;
	if (part_index(a, sgn_manifest_plan_parts(p), &part) != 0)
		goto out;
	r = sgn_manifest_part_hash(model, p, part, &mr->o, &out, &eb);
	model_progress_end(mr);
	if (r != SGN_OK) {
		cli_err("%s: part %zu: %s", model, part, eb.msg);
		rc = sgn_err_exit_status(r);
		goto out;
	}
	if ((rc = write_out(outp, &out)) != 0)
		goto out;
	if (!quiet)
		fprintf(stderr, "signet: part %zu of %zu -> %s\n", part,
		    sgn_manifest_plan_parts(p), outp);
	rc = 0;
out:
	sgn_buf_reset(&out);
	sgn_manifest_plan_free(&p);
	return rc;
}

/* signet manifest merge ------------------------------------------------ */

static void
manifest_usage(FILE *f)
{
	fprintf(f,
	    "usage: signet manifest merge PLAN PARTIAL... --out MERGED\n"
	    "           [--spot-check K --model DIR] [--jobs N] [--quiet]\n"
	    "\n"
	    "Merges the partials that `signet digest DIR --plan PLAN --part "
	    "I\n"
	    "--out PARTIAL` wrote, one per part, into a merged manifest for\n"
	    "`signet sign DIR --manifest MERGED`.  Every partial must come "
	    "from\n"
	    "PLAN, with its parameters, and every part exactly once.\n"
	    "\n"
	    "  --out F         the merged manifest (written atomically)\n"
	    "  --spot-check K  re-hash K units chosen at random under DIR "
	    "and\n"
	    "                  compare (every unit when K is at least their\n"
	    "                  number); needs --model DIR\n"
	    "  --model DIR     the model directory, for --spot-check\n"
	    "  --jobs N        hashing threads for --spot-check\n");
}

static int
manifest_merge(int argc, char **argv)
{
	struct sgn_manifest_plan	*p = NULL;
	struct sgn_manifest_merge_opts	 mo;
	struct sgn_manifest_opts	 run;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 out;
	const char			*outp = NULL, *plan = NULL;
	const char			*model = NULL;
	const char			**names = NULL;
	uint8_t				**bufs = NULL;
	size_t				*lens = NULL, n = 0, i;
	uint64_t			 k = 0, jobs = 0;
	int				 rc = 2, quiet = 0, spot = 0;
	sgn_err				 r;

	sgn_errbuf_clear(&eb);
	sgn_buf_init(&out, 0);
	mo = (struct sgn_manifest_merge_opts)SGN_MANIFEST_MERGE_OPTS_INIT;
	run = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	if ((names = calloc((size_t)argc + 1, sizeof(*names))) == NULL) {
		cli_err("out of memory");
		goto out;
	}
	for (i = 0; i < (size_t)argc; i++) {
		const char *s = argv[i];

		if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
			manifest_usage(stdout);
			rc = 0;
			goto out;
		}
		if (strcmp(s, "--quiet") == 0) {
			quiet = 1;
			continue;
		}
		if (strcmp(s, "--out") == 0 || strcmp(s, "--spot-check") ==
		    0 || strcmp(s, "--model") == 0 ||
		    strcmp(s, "--jobs") == 0) {
			if (i + 1 == (size_t)argc) {
				cli_err("manifest merge: %s needs a value", s);
				goto out;
			}
			if (strcmp(s, "--out") == 0)
				outp = argv[++i];
			else if (strcmp(s, "--model") == 0)
				model = argv[++i];
			else if (strcmp(s, "--jobs") == 0) {
				if (cli_u64(argv[++i], SGN_MANIFEST_MAX_JOBS,
				    &jobs) != 0 || jobs == 0) {
					cli_err("manifest merge: --jobs takes "
					    "1 to %u", SGN_MANIFEST_MAX_JOBS);
					goto out;
				}
			} else {
				if (cli_u64(argv[++i], SIZE_MAX / 2, &k) != 0) {
					cli_err("manifest merge: --spot-check "
					    "takes a number of units");
					goto out;
				}
				spot = 1;
			}
			continue;
		}
		if (strncmp(s, "--", 2) == 0 && strcmp(s, "--") != 0) {
			cli_err("manifest merge: unknown option %s", s);
			goto out;
		}
		if (plan == NULL)
			plan = s;
		else
			names[n++] = s;
	}
	(void)quiet;
	if (plan == NULL || n == 0 || outp == NULL) {
		cli_err("manifest merge: give PLAN, its partials and --out");
		manifest_usage(stderr);
		goto out;
	}
	if (spot && k > 0 && model == NULL) {
		cli_err("manifest merge: --spot-check needs --model DIR");
		goto out;
	}
	if ((rc = read_plan(plan, &p)) != 0)
		goto out;
	rc = 2;
	if ((bufs = calloc(n, sizeof(*bufs))) == NULL ||
	    (lens = calloc(n, sizeof(*lens))) == NULL) {
		cli_err("out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		r = sgn_file_read(names[i], SGN_MANIFEST_MAX_PLAN_BYTES,
		    &bufs[i], &lens[i], &eb);
		if (r != SGN_OK) {
			cli_err("%s: %s", names[i], eb.msg);
			rc = sgn_err_exit_status(r);
			goto out;
		}
	}
	run.jobs = (unsigned)jobs;
	mo.spot_check = (size_t)k;
	mo.model_path = model;
	mo.run = &run;
	r = sgn_manifest_merge(p, (const uint8_t *const *)bufs, lens, names, n,
	    &mo, &out, &eb);
	if (r != SGN_OK) {
		cli_err("manifest merge: %s", eb.msg);
		rc = sgn_err_exit_status(r);
		goto out;
	}
	if ((rc = write_out(outp, &out)) != 0)
		goto out;
	if (!quiet)
		fprintf(stderr, "signet: merged %zu partials (%zu units, %llu "
		    "spot-checked) -> %s\n", n, sgn_manifest_plan_units(p),
		    (unsigned long long)(k < sgn_manifest_plan_units(p) ? k :
		    sgn_manifest_plan_units(p)), outp);
	rc = 0;
out:
	if (bufs != NULL)
		for (i = 0; i < n; i++)
			free(bufs[i]);
	free(bufs);
	free(lens);
	free(names);
	sgn_buf_reset(&out);
	sgn_manifest_plan_free(&p);
	return rc;
}

int
cmd_manifest(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "merge") == 0)
		return manifest_merge(argc - 1, argv + 1);
	if (argc >= 1 && (strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "help") == 0)) {
		manifest_usage(stdout);
		return 0;
	}
	cli_err("manifest: the subcommand is merge");
	manifest_usage(stderr);
	return 2;
}

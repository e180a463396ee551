/* progargs: the command lines under which fuzz_prog.c runs each program.
 *
 * One line per command line: the program, then its arguments as words
 * separated by blanks ('single quotes' group). @IN is the file that holds
 * the fuzz input; @NAME is the file NAME in the target's temporary
 * directory: a fixture from scripts/fuzz/fixtures/ (copied afresh before
 * every run, so a state file starts each run the same), or else an output
 * file, removed after every run; <@IN or <@NAME makes that file standard
 * input, which is otherwise /dev/null. The first byte of a fuzz input chooses
 * the command line (byte % number of lines for the program); the rest is
 * the input.
 *
 * A program with no line here runs as "PROG @IN" and "PROG --strict @IN";
 * give it a few realistic lines (its required options, the defaults, the
 * options that change the main loop, --strict and --rejects) when it lands
 * in cmd/. */

static const struct progargs {
	const char *prog, *args;
} progargs[] = {
	{ "mlw-alert", "--name d --when 'psi > 0.2' --by feature --now 2026-11-01T00:00:00Z @IN" },
	{ "mlw-alert", "--rules @rules --state @state.jsonl --now 2026-11-01T05:00:00Z @IN" },
	{ "mlw-alert", "--rules @rules --format alertmanager --pass --time ts --repeat 1h --now 2026-11-01T00:00:00Z @IN" },
	{ "mlw-alert", "--name d --when 'psi > 0.2' --for 2 --keep-firing-for 1h --clear 'psi < 0.1' --summary 'PSI {psi:.3f} of {feature}' --label team=ml --strict --time ts @IN" },
	{ "mlw-alert", "--rules @IN --now 2026-11-01T00:00:00Z @psi-out.jsonl" },
	{ "mlw-alert", "--rules @rules --state @IN --now 2026-11-01T05:00:00Z @psi-out.jsonl" },
	{ "mlw-alert", "--name d --when 'psi > 0.2 and n >= 10' --by feature,window_start --rejects @out-rej --now 2026-11-01T00:00:00Z --state @out-state @IN" },

	{ "mlw-agg", "--agg 'count; sum f.x; mean f.x; std f.x; min f.x; max f.x' @IN" },
	{ "mlw-agg", "--agg 'quantile f.x 0.5; distinct f.c; rate f.x > 1; ratio f.x s' --by g,h --max-keys 5 --rejects @out-rej @IN" },
	{ "mlw-agg", "--agg 'count; sum f.x; rate f.c == \"a\"' --where 'f.x > 0' --ref @ref.jsonl --chunk 3 --strict @IN" },
	{ "mlw-agg", "--agg 'count; std f.x; quantile f.x 0.9; distinct f.c; ratio f.x s' --by g --emit-state @IN" },
	{ "mlw-agg", "--agg 'count; std f.x; quantile f.x 0.9; distinct f.c; ratio f.x s' --by g --merge @IN" },
	{ "mlw-agg", "--agg 'mean f.x; distinct f.c' --by g --ref @IN --chunk 2 @ref.jsonl" },
	{ "mlw-check", "--tests @check.tests @IN" },
	{ "mlw-check", "--tests @check.tests --format tap --empty warn --rejects @out-rej @IN" },
	{ "mlw-check", "--tests @check.tests --format junit --strict @IN" },
	{ "mlw-check", "--tests @IN --format table @psi-out.jsonl" },
	{ "mlw-check", "--tests @IN --format junit @psi-out.jsonl" },
	{ "mlw-check", "--suggest @IN" },
	{ "mlw-estimate", "--ref @est-ref.jsonl --score s --label y @IN" },
	{ "mlw-estimate", "--ref @est-ref.jsonl --score s --label y --calibrate always --by g --max-keys 5 --rejects @out-rej @IN" },
	{ "mlw-estimate", "--model @est.model --by g --emit-state @IN" },
	{ "mlw-estimate", "--model @est.model --by g --merge @IN" },
	{ "mlw-estimate", "--ref @est-mc-ref.jsonl --scores a=p.a,b=p.b,c=p.c --pred k --label y --strict @IN" },
	{ "mlw-estimate", "--ref @IN --score s --label y --chunk 3 @est-ref.jsonl" },
	{ "mlw-estimate", "--model @IN @est-ref.jsonl" },

	{ "mlw-bias", "--group f.g --label y --pred p @IN" },
	{ "mlw-bias", "--group f.g --label y --pred p --by k,j --max-keys 4 @IN" },
	{ "mlw-bias", "--group f.g --label y --score s --threshold 0.7 --reference-group B @IN" },
	{ "mlw-bias", "--group g --label y --pred p --positive yes --strict @IN" },
	{ "mlw-bias", "--group features.country --label label --pred prediction --rejects @out-rej @IN" },

	{ "mlw-join", "--key id --labels @labels.jsonl @IN" },
	{ "mlw-join", "--key id --labels @labels.jsonl --label-field label --as y --unmatched @out-unmatched @IN" },
	{ "mlw-join", "--key id --labels @IN @preds.jsonl" },
	{ "mlw-join", "--key id --labels @IN --strict --rejects @out-rej @preds.jsonl" },

	{ "mlw-metrics", "--task binary --label label --score score @IN" },
	{ "mlw-metrics", "--task binary --label y --pred p --by g,h --max-keys 5 --positive yes @IN" },
	{ "mlw-metrics", "--task multiclass --label label --pred pred @IN" },
	{ "mlw-metrics", "--task regression --label label --pred pred --by window_start @IN" },
	{ "mlw-metrics", "--task binary --label label --score score --threshold 0.3 --auc-bins 10 --strict @IN" },
	{ "mlw-metrics", "--task binary --label label --score score --auc-bins 10 --emit-state @IN" },
	{ "mlw-metrics", "--task binary --label label --score score --auc-bins 10 --merge @IN" },
	{ "mlw-metrics", "--task binary --label label --score score --by g --calibration-bins 10 @IN" },
	{ "mlw-metrics", "--task binary --label label --score score --calibration-bins 4 --calibration-strategy quantile @IN" },
	{ "mlw-metrics", "--task binary --label label --score score --auc-bins 10 --calibration-bins 5 --merge @IN" },

	{ "mlw-mvdrift", "--ref @mv-ref.jsonl --fields f.x,f.y,f.c @IN" },
	{ "mlw-mvdrift", "--ref @mv-ref.jsonl --fields f.x,f.c --vector v --by g --ref-fallback all --rejects @out-rej @IN" },
	{ "mlw-mvdrift", "--ref @mv-ref.jsonl --vector v --method mmd --max-samples 8 --permutations 20 --by g --strict @IN" },
	{ "mlw-mvdrift", "--ref @mv-ref.jsonl --fields f.x,f.y --method classifier --folds 2 --max-samples 10 @IN" },
	{ "mlw-mvdrift", "--ref @mv-ref.jsonl --vector v --method meandist --distance cosine --by g --emit-state @IN" },
	{ "mlw-mvdrift", "--ref @mv-ref.jsonl --fields f.x,f.c --method mmd --max-samples 6 --by g --merge @IN" },
	{ "mlw-mvdrift", "--ref @IN --fields f.x,f.y,f.c --vector v --chunk 3 --thresholds cross-fit @mv-ref.jsonl" },
	{ "mlw-profile", "@IN" },
	{ "mlw-profile", "--top 3 --quantiles 0.1,0.5,0.9 --rejects @out-rej @IN" },
	{ "mlw-profile", "--ref @ref.jsonl @IN" },
	{ "mlw-profile", "--ref @dprof.jsonl --strict @IN" },
	{ "mlw-profile", "--ref @IN @ref.jsonl" },
	{ "mlw-profile", "--save @out-prof --fields f.x,f.c @IN" },
	{ "mlw-profile", "--fields f.x,f.c --emit-state @IN" },
	{ "mlw-profile", "--fields f.x,f.c --merge @IN" },
	{ "mlw-profile", "--by g @IN" },
	{ "mlw-profile", "--ref @IN --by g --ref-fallback all @ref.jsonl" },
	{ "mlw-profile", "--ref @ref.jsonl --by g,h --max-keys 5 --fields f.x,f.c --emit-state @IN" },
	{ "mlw-profile", "--by g --fields f.x,f.c --merge @IN" },
	{ "mlw-profile", "--by g --save @out-prof @IN" },
	{ "mlw-profile", "--match 'f.c=^[a-c]+$' --allowed f.c=a,b,1,true --allowed 'f.x=1,2\\,3' --unique f.x --top 2 @IN" },
	{ "mlw-profile", "--fields f.x,f.c --match f.c=a|b --allowed f.c=a --unique f.c --by g --emit-state @IN" },
	{ "mlw-profile", "--fields f.x,f.c --match f.c=a|b --allowed f.c=a --unique f.c --by g --merge @IN" },

	{ "mlw-psi", "--ref @ref.jsonl @IN" },
	{ "mlw-psi", "--ref @prof.jsonl --detail @IN" },
	{ "mlw-psi", "--ref @gref.jsonl --bins 4 --binning uniform --categorical features.country,features.device --detail @IN" },
	{ "mlw-psi", "--ref @ref.jsonl --strict --rejects @out-rej @IN" },
	{ "mlw-psi", "--ref @IN --fields f.x,f.c @ref.jsonl" },
	{ "mlw-psi", "--ref @IN --save-ref @out-prof" },
	{ "mlw-psi", "--ref @ref.jsonl --emit-state @IN" },
	{ "mlw-psi", "--ref @ref.jsonl --merge @IN" },
	{ "mlw-psi", "--ref @IN --by g --ref-fallback all --detail @ref.jsonl" },
	{ "mlw-psi", "--ref @ref.jsonl --by g,h --max-keys 5 --emit-state @IN" },
	{ "mlw-psi", "--ref @IN --by g --save-ref @out-prof" },

	{ "mlw-report", "@IN" },
	{ "mlw-report", "--format markdown @IN" },
	{ "mlw-report", "--format html --title T<&> @IN" },
	{ "mlw-report", "--format prom --threshold 0.2 @IN" },
	{ "mlw-report", "--value psi --series feature --strict @IN" },
	{ "mlw-report", "-o @out-report --rejects @out-rej @IN" },
	{ "mlw-report", "--format prom --all-values @IN" },
	{ "mlw-report", "--format html --value statistic,p_value,drift --threshold 0.5 @IN" },

	{ "mlw-window", "--time ts --size 1h @IN" },
	{ "mlw-window", "--time ts --size 10m --slide 5m --lateness 1m --late @out-late @IN" },
	{ "mlw-window", "--count 3 @IN" },
	{ "mlw-window", "--count 4 --slide 2 --strict @IN" },
	{ "mlw-window", "--time t --size 1s --time-unit ms --rejects @out-rej @IN" },
	{ "mlw-window", "--time ts --size 1h --idle 1s @IN" },

	{ "mlw-csv", "@IN" },
	{ "mlw-csv", "--strict --skip-lines 1 @IN" },
	{ "mlw-csv", "--delimiter ; --header a,b.c,d,e --types a=string --types d=json @IN" },
	{ "mlw-csv", "--delimiter tab --types b=bool --rejects @out-rej @IN" },
	{ "mlw-csv", "--to-csv @IN" },
	{ "mlw-csv", "--to-csv --crlf --delimiter \\t --header f.x,f.c --strict @IN" },

	{ "mlw-detect", "--field x --method page-hinkley @IN" },
	{ "mlw-detect", "--field x --method page-hinkley --mode both --threshold 5 --alpha 0.99 --by k,j --max-keys 4 --all @IN" },
	{ "mlw-detect", "--field x --method cusum --k 0.5 --h 4 --by k @IN" },
	{ "mlw-detect", "--field x --method adwin --delta 0.01 --clock 1 --max-buckets 3 --all @IN" },
	{ "mlw-detect", "--field x --method ddm --warm-start 10 @IN" },
	{ "mlw-detect", "--field x --method eddm --strict @IN" },
	{ "mlw-detect", "--field x --method hddm-a --two-sided --rejects @out-rej @IN" },
	{ "mlw-detect", "--field x --method hddm-w --lambda 0.1 --by k @IN" },
	{ "mlw-detect", "--field x --method kswin --window-size 30 --stat-size 10 --seed 1 --alpha 0.01 @IN" },

	{ "mlw-drift", "--ref @ref.jsonl @IN" },
	{ "mlw-drift", "--ref @ref.jsonl --method auto --categorical f.c --drift-share 0.3 --detail --strict @IN" },
	{ "mlw-drift", "--ref @ref.jsonl --method ks --method-for f.x=anderson --method-for f.c=jensenshannon --js-base 2 @IN" },
	{ "mlw-drift", "--ref @ref.jsonl --method cramer_von_mises --method-for f.x=energy --method-for f.c=chisquare @IN" },
	{ "mlw-drift", "--ref @ref.jsonl --method mannwhitney --method-for f.c=fisher_exact --categorical f.c @IN" },
	{ "mlw-drift", "--ref @ref.jsonl --method-for f.x=ttest --method-for f.c=z --auto-threshold --rejects @out-rej @IN" },
	{ "mlw-drift", "--ref @ref.jsonl --method-for f.x=wasserstein --method-for f.c=tvd --threshold 0.5 @IN" },
	{ "mlw-drift", "--ref @ref.jsonl --method-for f.x=hellinger --method-for f.c=kl @IN" },
	{ "mlw-drift", "--ref @ref.jsonl --binning quantile --bins 4 --emit-state @IN" },
	{ "mlw-drift", "--ref @ref.jsonl --binning quantile --merge @IN" },
	{ "mlw-drift", "--ref @prof.jsonl --binning quantile --method psi @IN" },
	{ "mlw-drift", "--ref @IN @ref.jsonl" },
	{ "mlw-drift", "--ref @IN --binning quantile @ref.jsonl" },
	{ "mlw-drift", "--ref @IN --by g --ref-fallback all --auto-threshold @ref.jsonl" },
	{ "mlw-drift", "--ref @ref.jsonl --by g,h --max-keys 5 --binning quantile --emit-state @IN" },
	{ "mlw-drift", "--ref @IN --by g --binning quantile --merge @ref.jsonl" },
	{ "mlw-drift", "--ref @ref.jsonl --by g --method-for f.x=ks @IN" },
	{ "mlw-drift", "--ref @ref.jsonl --method-for f.x=ttest --correction fdr --by g @IN" },
	{ "mlw-drift", "--ref @IN --correction bonferroni --auto-threshold @ref.jsonl" },

	{ "mlw-runs", "--store @IN" },
	{ "mlw-runs", "--store @IN --where 'metrics.loss < 0.5 and params.lr = \"0.01\"' --sort -metrics.acc --limit 5 --format table" },
	{ "mlw-runs", "--store @IN --all-stats --stale 1h --strict" },
	{ "mlw-runs", "--store @IN --rejects @out-rej --format table" },
	{ "mlw-runs", "--store @IN show 1ac7" },
	{ "mlw-runs", "--store @IN compare --only-changed 1ac7 af77" },
	{ "mlw-runs", "--store @IN history r1 loss acc" },
	{ "mlw-runs", "--store @IN best loss --max" },
	{ "mlw-runs", "--store @IN --where 'metrics.acc >= 0.6 AND tags.team = \"ml\"' history af77 --format table" },

	{ "mlw-track", "--store @store.jsonl <@IN" },
	{ "mlw-track", "--store @out-store --experiment x --run-name y --param a=1 --tag t=2 --param-fields lr,model --tag-fields git <@IN" },
	{ "mlw-track", "--store @IN" },
};

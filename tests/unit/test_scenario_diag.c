/*
 * Unit tests for the reader's error messages (sim/scenario/scenario_diag.c
 * and the checks that raise them, through scenario_load): every kind of
 * error names the file and the line (or --set) and says what was wrong,
 * with a suggestion where there is one; an include cycle names its files.
 */
#include <sys/stat.h>

#include "testlib.h"
#include "../../sim/scenario/scenario.h"

typedef struct error_case {
    const char *name;       /* the file written, in the temp dir */
    const char *text;       /* appended to `include = base.ini`, unless it has a [scenario] */
    const char *set;        /* one --set, or NULL */
    int line;               /* the line the message must name; 0 for --set */
    const char *fragment;
} error_case;

static const error_case error_cases[] = {
    {"kind.ini", "[datacentre d]\n", NULL, 3, "[datacentre d]: unknown section kind "
     "'datacentre'; did you mean [datacenter]?"},
    {"key.ini", "[gpu B200]\ntdp_w = 1000\nidle = 90\n", NULL, 5,
     "[gpu B200] idle: unknown key 'idle' for [gpu]; did you mean 'idle_w'?"},
    {"provider.ini", TESTLIB_CONTRACT("corewave", "google", "8000"), NULL, 4,
     "[contract c] lessor: unknown provider 'corewave'; did you mean 'coreweave'?"},
    {"gpuref.ini", TESTLIB_CONTRACT("coreweave", "google", "8000") "gpu = H10\n", NULL, 10,
     "[contract c] gpu: unknown GPU type 'H10'; did you mean 'H100'?"},
    {"dcref.ini", "[phase p]\ndatacenter = cw-plan\nonline = 2025-03-01\ngpus = H100:8\n",
     NULL, 4, "[phase p] datacenter: unknown datacenter 'cw-plan'; did you mean 'cw-plano'?"},
    {"dup.ini", "[provider x]\nkind = lab\n\n[provider x]\nkind = lab\n", NULL, 6,
     "[provider x]: duplicate section: already defined at line 3 of this file"},
    {"missing.ini", "[gpu B200]\ntdp_w = 1000\n", NULL, 3,
     "[gpu B200] idle_w: required key is missing"},
    {"number.ini", "[gpu B200]\ntdp_w = 12abc\n", NULL, 4, "'12abc' is not a number"},
    {"nan.ini", "[gpu B200]\ntdp_w = nan\n", NULL, 4, "'nan' is not a number"},
    {"inf.ini", "[gpu B200]\ntdp_w = inf\n", NULL, 4, "'inf' is not a number"},
    {"hex.ini", "[gpu B200]\ntdp_w = 0x10\n", NULL, 4, "'0x10' is not a number"},
    {"empty.ini", "[gpu B200]\ntdp_w =\n", NULL, 4, "'' is not a number"},
    {"range.ini", "[gpu B200]\ntdp_w = 1000\nidle_w = 90\nstraggler_share = 1.5\n", NULL, 6,
     "straggler_share: 1.5 is out of range; it must be >= 0 and <= 1"},
    {"date.ini", TESTLIB_CONTRACT("coreweave", "google", "8000") "end = 2025-13-01\n", NULL, 10,
     "'2025-13-01' is not a valid date"},
    {"before.ini", "[scenario]\nname = x\nstart = 2025-06-01\nend = 2025-01-01\n", NULL, 4,
     "[scenario] end: end 2025-01-01 is before start 2025-06-01"},
    {"cend.ini", "[contract c]\nlessor = coreweave\nlessee = google\ngpus = 8\n"
     "start = 2025-06-01\nend = 2025-05-01\nprice_per_gpu_hour = 2\n", NULL, 8,
     "[contract c] end: end 2025-05-01 is before start 2025-06-01"},
    {"noinc.ini", "[scenario]\ninclude = nothere.ini\n", NULL, 2,
     "include: cannot read '"},
    {"dirinc.ini", "[scenario]\ninclude = sub/\n", NULL, 2, "Is a directory"},
    {"cycle.ini", "[scenario]\ninclude = ./cycle.ini\n", NULL, 2,
     "cycle.ini -> "},
    {"lease.ini", TESTLIB_CONTRACT("coreweave", "google", "8000")
     "[contract d]\nlessor = google\nlessee = coreweave\ngpus = 8\nstart = 2025-06-01\n"
     "end = 2025-07-01\nprice_per_gpu_hour = 2\n", NULL, 12,
     "[contract d] lessee: lease cycle coreweave -> google -> coreweave"},
    {"power.ini", "[phase p]\ndatacenter = cw-plano\nonline = 2025-03-01\n"
     "gpus = H100:16000\n", NULL, 6, "power cap exceeded: datacenter 'cw-plano' would draw "
     "22.40 MW of GPU system power (tdp_w + host_w) from 2025-03-01, over its power_mw = 20 MW"},
    {"hostpower.ini", "[gpu H200]\ntdp_w = 700\nidle_w = 80\nhost_w = 575\n[datacenter d]\n"
     "owner = google\npower_mw = 10\ngpus = H200:8000\n", NULL, 10,   /* boards: 5.6 MW */
     "[datacenter d] gpus: power cap exceeded: datacenter 'd' would draw 10.20 MW of GPU system "
     "power (tdp_w + host_w) from 2025-01-01, over its power_mw = 10 MW"},
    {"hostneg.ini", "[gpu H100]\nhost_w = -5\n", NULL, 4,
     "[gpu H100] host_w: -5 is out of range; it must be >= 0"},
    {"sitehost.ini", "[gpu H200]\ntdp_w = 700\nidle_w = 80\nhost_w = 575\n[buildout b]\n"
     "owner = google\ngpu = H200\nsite_power_mw = 0.01\n", NULL, 10,
     "a site of 0.01 MW cannot hold one 8-GPU node of H200 (10200 W of system power"},
    {"dcpower.ini", "[datacenter d]\nowner = google\npower_mw = 1\ngpus = H100:1432\n", NULL,
     6, "[datacenter d] gpus: power cap exceeded"},
    {"gputype.ini", "[datacenter d]\nowner = google\npower_mw = 10\ngpus = H100:8, X9:16\n",
     NULL, 6, "[datacenter d] gpus: unknown GPU type 'X9'"},
    {"list.ini", "[datacenter d]\nowner = google\npower_mw = 10\ngpus = H100 8000\n", NULL,
     6, "'H100 8000' is not TYPE:COUNT"},
    {"multiple.ini", TESTLIB_CONTRACT("coreweave", "google", "8001"), NULL, 6,
     "8001 GPUs is not a multiple of 8: allocation is in whole 8-GPU nodes; use 8000 or 8008"},
    {"listmult.ini", "[datacenter d]\nowner = google\npower_mw = 10\ngpus = H100:12\n", NULL,
     6, "12 GPUs is not a multiple of 8"},
    {"negative.ini", TESTLIB_CONTRACT("coreweave", "google", "-8"), NULL, 6, "'-8' is negative"},
    {"both.ini", TESTLIB_CONTRACT("coreweave", "google", "8") "end = 2026-01-01\n", NULL, 8,
     "[contract c] term_months: both end and term_months are set"},
    {"training.ini", "[workload w]\ntenant = google\ntype = training\ndemand_h100 = 5\n", NULL,
     3, "[workload w] arrival_rate_per_day: a training workload needs arrival_rate_per_day"},
    {"enum.ini", "[provider p]\nkind = neocoud\n", NULL, 4,
     "unknown value 'neocoud'; did you mean 'neocloud'?"},
    {"syntax.ini", "[gpu B200]\ntdp_w 700\n", NULL, 4, "expected `key = value` or `[kind name]`"},
    {"header.ini", "[gpu B200\n", NULL, 3, "expected `key = value` or `[kind name]`"},
    {"noname.ini", "[gpu]\n", NULL, 3, "a [gpu] section needs a name"},
    {"comma.ini", "[gpu a,b]\n", NULL, 3, "contains a forbidden character"},
    {"scnname.ini", "[scenario x]\n", NULL, 3, "[scenario] takes no name"},
    {"tick.ini", "[scenario]\nname = x\nstart = 2025-01-01\nend = 2025-01-01\ntick = 2d\n",
     NULL, 5, "[scenario] tick: a tick of 172800 s is longer than the whole period"},
    {"selflease.ini", TESTLIB_CONTRACT("google", "google", "8"), NULL, 5,
     "the lessee is the lessor ('google')"},
    {"ceiling.ini", "[workload w]\ntenant = google\ntype = inference\ndemand_h100 = 500\n"
     "growth = logistic\nceiling_h100 = 400\nrate_per_year = 1\n", NULL, 8,
     "ceiling_h100 = 400 is not above demand_h100 = 500"},
    {"noseries.ini", "[workload w]\ntenant = google\ntype = inference\ndemand_h100 = 5\n"
     "growth = series\nseries = missing.csv\n", NULL, 8, "cannot read series '"},
    {"setpath.ini", "", "contract.cw-google.gpus=8", 0,
     "--set contract.cw-google.gpus: no section [contract cw-google] in "},
    {"setkey.ini", "", "datacenter.cw-plano.power=5", 0,
     "--set datacenter.cw-plano.power: unknown key 'power' for [datacenter]; did you mean "
     "'power_mw'?"},
    {"setvalue.ini", "", "datacenter.cw-plano.pue=0.5", 0,
     "--set datacenter.cw-plano.pue: 0.5 is out of range; it must be >= 1"},
    {"setref.ini", "", "datacenter.cw-plano.owner=googel", 0,
     "--set datacenter.cw-plano.owner: unknown provider 'googel'; did you mean 'google'?"},
    {"setkind.ini", "", "datacentre.cw-plano.pue=1.2", 0,
     "--set datacentre.cw-plano.pue=1.2: unknown section kind 'datacentre'; did you mean "
     "'datacenter'?"},
    {"setform.ini", "", "seed", 0, "--set seed: expected kind.name.key=value"},
    /* contracts: spot, ramps, SLA, termination */
    {"spot.ini", TESTLIB_CONTRACT("coreweave", "google", "8") "kind = spott\n", NULL, 10,
     "[contract c] kind: unknown value 'spott'; did you mean 'spot'?"},
    {"ramp.ini", TESTLIB_CONTRACT("coreweave", "google", "8") "ramp_months = -1\n", NULL, 10,
     "ramp_months: -1 is out of range; it must be >= 0 and <= 1200"},
    {"sla.ini", TESTLIB_CONTRACT("coreweave", "google", "8") "sla_availability = 1.5\n", NULL, 10,
     "[contract c] sla_availability: 1.5 is out of range; it must be >= 0 and <= 1"},
    {"credit.ini", TESTLIB_CONTRACT("coreweave", "google", "8") "sla_credit_share = 2\n", NULL, 10,
     "sla_credit_share: 2 is out of range"},
    {"terminate.ini", TESTLIB_CONTRACT("coreweave", "google", "8") "terminate = 2026-07-01\n",
     NULL, 10, "[contract c] terminate: terminate 2026-07-01 is not inside the term (2025-06-01 to "
     "2026-05-31 inclusive)"},
    {"terminate0.ini", TESTLIB_CONTRACT("coreweave", "google", "8")
     "terminate = 2025-06-01\n", NULL, 10, "terminate 2025-06-01 is not inside the term"},
    {"terminate1.ini", TESTLIB_CONTRACT("coreweave", "google", "8")
     "terminate = 2025-06-31\n", NULL, 10, "'2025-06-31' is not a valid date"},
    /* price lists */
    {"noprice.ini", "[pricelist p]\nseller = coreweave\ndiscount_per_year = 0.1\n", NULL, 3,
     "[pricelist p]: a price list needs at least one price"},
    {"seller.ini", "[pricelist p]\nseller = corewave\nspot_per_gpu_hour = 1\n", NULL, 4,
     "[pricelist p] seller: unknown provider 'corewave'; did you mean 'coreweave'?"},
    {"price.ini", "[pricelist p]\nseller = coreweave\nspot_per_gpu_hour = -1\n", NULL, 5,
     "spot_per_gpu_hour: -1 is out of range; it must be >= 0"},
    {"twolists.ini", "[pricelist a]\nseller = coreweave\nspot_per_gpu_hour = 1\n"
     "[pricelist b]\nseller = coreweave\nspot_per_gpu_hour = 2\n", NULL, 6,
     "[pricelist b] gpu: provider 'coreweave' already has a price list for GPU any, "
     "[pricelist a]"},
    {"discount.ini", "[pricelist p]\nseller = coreweave\nspot_per_gpu_hour = 1\n"
     "max_discount = 60\n", NULL, 6, "max_discount: 60 is out of range"},
    /* procurement */
    {"sellers.ini", "[procurement p]\nbuyer = google\nsellers = corewave\n"
     "max_price_per_gpu_hour = 3\n", NULL, 5,
     "[procurement p] sellers: unknown provider 'corewave'; did you mean 'coreweave'?"},
    {"selfbuy.ini", "[procurement p]\nbuyer = google\nsellers = coreweave, google\n"
     "max_price_per_gpu_hour = 3\n", NULL, 5,
     "[procurement p] sellers: 'google' is the buyer; a provider cannot buy from itself"},
    {"twice.ini", "[procurement p]\nbuyer = google\nsellers = coreweave,coreweave\n"
     "max_price_per_gpu_hour = 3\n", NULL, 5, "'coreweave' is listed twice"},
    {"comma2.ini", "[procurement p]\nbuyer = google\nsellers = coreweave,\n"
     "max_price_per_gpu_hour = 3\n", NULL, 5, "the list ends with a comma"},
    {"nosellers.ini", "[procurement p]\nbuyer = google\nmax_price_per_gpu_hour = 3\n", NULL,
     3, "[procurement p] sellers: required key is missing"},
    {"noprocprice.ini", "[procurement p]\nbuyer = google\nsellers = coreweave\n", NULL, 3,
     "[procurement p] max_price_per_gpu_hour: required key is missing"},
    {"bool.ini", "[procurement p]\nbuyer = google\nsellers = coreweave\n"
     "max_price_per_gpu_hour = 3\nfirst_refusal = maybe\n", NULL, 7,
     "[procurement p] first_refusal: 'maybe' is not true or false; write true, false, yes, "
     "no, 1 or 0"},
    {"review.ini", "[procurement p]\nbuyer = google\nsellers = coreweave\n"
     "max_price_per_gpu_hour = 3\nreview_months = 0\n", NULL, 7,
     "review_months: 0 is out of range; it must be > 0 and <= 1200"},
    {"term.ini", "[procurement p]\nbuyer = google\nsellers = coreweave\n"
     "max_price_per_gpu_hour = 3\nterm_months = 2.5\n", NULL, 7,
     "'2.5' is not a whole number of months"},
    {"prockind.ini", "[procurement p]\nbuyer = google\nsellers = coreweave\n"
     "max_price_per_gpu_hour = 3\nkind = ondemand\n", NULL, 7,
     "unknown value 'ondemand'; did you mean 'on_demand'?"},
    /* build-out */
    {"owner.ini", "[buildout b]\nowner = googel\ngpu = H100\nsite_power_mw = 10\n", NULL, 4,
     "[buildout b] owner: unknown provider 'googel'; did you mean 'google'?"},
    {"nogpu.ini", "[buildout b]\nowner = google\nsite_power_mw = 10\n", NULL, 3,
     "[buildout b] gpu: required key is missing"},
    {"site.ini", "[buildout b]\nowner = google\ngpu = H100\nsite_power_mw = 0.005\n", NULL, 6,
     "[buildout b] site_power_mw: a site of 0.005 MW cannot hold one 8-GPU node of H100 (5600 "
     "W of system power, tdp_w + host_w)"},
    {"trigger.ini", "[buildout b]\nowner = google\ngpu = H100\nsite_power_mw = 10\n"
     "trigger = low\n", NULL, 7, "unknown value 'low'; did you mean 'low_uncommitted'?"},
    {"sites.ini", "[buildout b]\nowner = google\ngpu = H100\nsite_power_mw = 10\n"
     "max_sites = 2.5\n", NULL, 7, "max_sites: '2.5' is not a whole number from 0 to 1e+06"},
    {"bpue.ini", "[buildout b]\nowner = google\ngpu = H100\nsite_power_mw = 10\npue = 0.8\n",
     NULL, 7, "pue: 0.8 is out of range; it must be >= 1"},
    /* training workloads */
    {"tseries.ini", "[workload w]\ntenant = google\ntype = training\ngrowth = series\n"
     "arrival_rate_per_day = 3\n", NULL, 6,
     "[workload w] growth: growth = series is for inference workloads"},
    {"nogpus.ini", "[workload w]\ntenant = google\ntype = training\narrival_rate_per_day = 3\n"
     "duration_h = fixed 2\n", NULL, 3, "[workload w] job_gpus: a training workload needs "
     "job_gpus"},
    {"dist8.ini", "[workload w]\ntenant = google\ntype = training\njob_gpus = 8:0.5, 12:0.5\n",
     NULL, 6, "[workload w] job_gpus: GPU count 12 is not a whole multiple of 8"},
    {"distcolon.ini", "[workload w]\ntenant = google\ntype = training\n"
     "duration_h = exponential:12\n", NULL, 6, "'exponential:12': separate the name and its "
     "numbers with spaces, not colons, e.g. `exponential 12`"},
    {"distarity.ini", "[workload w]\ntenant = google\ntype = training\n"
     "duration_h = lognormal 24\n", NULL, 6,
     "lognormal takes 2 numbers; write lognormal MEAN SIGMA, e.g. `lognormal 24 0.8`"},
    {"distname.ini", "[workload w]\ntenant = google\ntype = training\n"
     "duration_h = lognormla 24 1\n", NULL, 6,
     "unknown distribution 'lognormla'; did you mean 'lognormal'?"},
    {"distsingle.ini", "[workload w]\ntenant = google\ntype = training\njob_gpus = 64\n",
     NULL, 6, "'64' is a single value; write `fixed 64`"},
    {"distweight.ini", "[workload w]\ntenant = google\ntype = training\n"
     "duration_h = 2:0.5, 4:0\n", NULL, 6, "weight 0 must be > 0"},
    {"distsigma.ini", "[workload w]\ntenant = google\ntype = training\n"
     "duration_h = lognormal 2 -1\n", NULL, 6, "SIGMA '-1' is not a number >= 0"},
    {"fixed8.ini", "[workload w]\ntenant = google\ntype = training\njob_gpus = fixed 20\n",
     NULL, 6, "GPU count 20 is not a whole multiple of 8"},
    {"tceiling.ini", "[workload w]\ntenant = google\ntype = training\narrival_rate_per_day = 5\n"
     "growth = logistic\nceiling_rate_per_day = 5\nrate_per_year = 1\njob_gpus = fixed 8\n"
     "duration_h = fixed 1\n", NULL, 8,
     "ceiling_rate_per_day = 5 is not above arrival_rate_per_day = 5"},
    {"wait.ini", "[workload w]\ntenant = google\ntype = training\nmax_wait_h = forever\n", NULL,
     6, "'forever' is not a number; write a plain decimal such as 700 or 2.5 (unit: hours), or "
     "`none` for no limit"},
    {"nodemand.ini", "[workload w]\ntenant = google\ntype = inference\n", NULL, 3,
     "[workload w] demand_h100: an inference workload needs demand_h100"},
    {"notrace.ini", "[workload w]\ntenant = google\ntype = training\ntrace = nothere.csv\n",
     NULL, 6, "[workload w] trace: cannot read trace '"},
    {"setsellers.ini", "[procurement p]\nbuyer = google\nsellers = coreweave\n"
     "max_price_per_gpu_hour = 3\n", "procurement.p.sellers=google", 0,
     "--set procurement.p.sellers: 'google' is the buyer"},
    {"setkind2.ini", "", "buildot.b.gpu=H100", 0, "did you mean 'buildout'?"},
};

static void check_error_case(testlib_dir *f, const error_case *c)
{
    char text[2048], line[32];
    if (strstr(c->text, "[scenario]"))
        snprintf(text, sizeof text, "%s", c->text);
    else
        snprintf(text, sizeof text, "[scenario]\ninclude = base.ini\n%s", c->text);
    testlib_dir_write(f, c->name, text);
    scenario *sc = testlib_dir_load(f, c->name, &c->set, c->set ? 1 : 0);
    if (sc)
        fail_msg("%s: expected an error containing \"%s\"", c->name, c->fragment);
    assert_contains(f->err, c->fragment);
    if (c->line > 0) {
        snprintf(line, sizeof line, "%s:%d: ", c->name, c->line);
        assert_contains(f->err, line);
    } else {
        assert_int_equal(strncmp(f->err, "--set ", 6), 0);
    }
}

static void test_errors(void **state)
{
    testlib_dir *f = *state;
    char sub[128];
    testlib_dir_write(f, "base.ini", testlib_base_ini);
    testlib_dir_write(f, "cycle-b.ini", "[scenario]\ninclude = cycle-a.ini\n");
    snprintf(sub, sizeof sub, "%s/sub", f->dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++)
        check_error_case(f, &error_cases[i]);
    /* a two-file cycle: the include that closes it is the error */
    testlib_dir_write(f, "cycle-a.ini", "[scenario]\ninclude = base.ini\ninclude = cycle-b.ini\n");
    assert_null(testlib_dir_load(f, "cycle-a.ini", NULL, 0));
    assert_contains(f->err, "cycle-b.ini:2: [scenario] include: include cycle: ");
    assert_contains(f->err, "cycle-a.ini -> ");
    assert_contains(f->err, "cycle-b.ini -> ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        testlib_dir_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

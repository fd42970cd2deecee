//! Task 10, Pipeline of Pools: what decides whether a solution meets it.
//!
//! The harness connects the solution's three stages itself (download → resize → upload) and
//! reads the last one's output, in a turmoil world on virtual time (ticks of 10 ms): the images
//! on `img.test`, the store on `store.test`, the resize a harness job that costs virtual time.
//! Each stage gets a probe of its own, so its jobs at once, their starts and finishes are seen
//! per stage; the servers see each stage's requests; each stage boundary records when its output
//! ended.

use crate::roles::{Act, Cancel, BOUND};
use harness::contracts::task10_pipeline::{
    half, Outcome as Out, Pipeline, PipelineConfig, Resizer, StageConfig, StageMetrics, StageName,
    Stored, STORE, TASK,
};
use harness::contracts::{PoolError, Solution};
use harness::ledger::Ledger;
use harness::net::sim::{self, Ended, TICK};
use harness::net::{HttpClient, Record, Reply, World};
use harness::pipe::{Boundary, Input};
use harness::probe::{Jobs, Probe};
use harness::scenario::attempted;
use harness::{ensure, Check, Ctx, Failure, Outcome, Scenario};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The host of the images.
const IMG: &str = "img.test";
/// How long a world may run before the pipeline is taken for hung.
const LIMIT: Duration = Duration::from_secs(120);
/// The stages, in order.
const STAGES: [StageName; 3] = [StageName::Download, StageName::Resize, StageName::Upload];

/// The seed's sizes, and sizes where no two stages, buffers or the seed's numbers coincide.
fn configs() -> [PipelineConfig; 2] {
    [PipelineConfig::seed(), distinct()]
}

fn distinct() -> PipelineConfig {
    let stage = |workers, buffer| StageConfig { workers, buffer };
    PipelineConfig {
        download: stage(6, 5),
        resize: stage(3, 2),
        upload: stage(4, 7),
    }
}

fn of(cfg: &PipelineConfig, i: usize) -> StageConfig {
    [cfg.download, cfg.resize, cfg.upload][i]
}

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("every_image_downloaded_resized_and_uploaded", &[Check::Requirement],
            "30 images of distinct bytes: each URL comes out once as stored (201), the store got one POST per image at its destination with the image at half size, each request inside its stage's probe (the seed's sizes, then 6/3/4)",
            every_image_downloaded_resized_and_uploaded),
        TASK.scenario("uploads_on_real_sockets", &[Check::Requirement],
            "the same pipeline on real loopback sockets (wiremock's servers, real time): each URL stored once, the store received one POST per image at its destination with `Host: store.test` and the image at half size",
            uploads_on_real_sockets),
        TASK.scenario("each_stage_runs_its_configured_workers", &[Check::PoolSize],
            "with one stage slow at a time: requests in flight at the image host equal the download workers, resizes at once the resize workers, requests at the store the upload workers (16/NumCPU/8, then 6/3/4)",
            each_stage_runs_its_configured_workers),
        TASK.scenario("each_output_ends_after_its_stage_s_last_job", &[Check::CloseOnce, Check::AllJoined],
            "images of varied latencies and resize costs: each stage's output ends only after every job the stage began has finished, none cut short when its input ran out",
            each_output_ends_after_its_stage_s_last_job),
        TASK.scenario("items_wait_in_each_stage_s_buffer", &[Check::BufferSize],
            "with the pipeline's reader held on its first item: 1 + upload buffer + upload workers uploads done, that plus resize buffer + resize workers resizes, that plus download buffer + download workers downloads (12, 17, 28 for 6/5, 3/2, 4/7)",
            items_wait_in_each_stage_s_buffer),
        TASK.scenario("cancel_stops_every_stage", &[Check::CtxHonored],
            "every stage busy when the caller's token fires: no URL taken, no job begun or finished in any stage after it, every download and upload in flight abandoned at its server and the output ended within 2 ticks; a token fired before the call: nothing fetched",
            cancel_stops_every_stage),
        TASK.scenario("failures_pass_through_once_and_are_logged", &[Check::ErrorsHandled],
            "404s, a refusing host (more refusals than download workers) and 500s from the store: every URL out once, each failure as Err naming its stage and logged once as `URL <url>: error <err>`; a failed download never resized or uploaded",
            failures_pass_through_once_and_are_logged),
        TASK.scenario("a_stage_stops_when_its_reader_is_gone", &[Check::ErrorsHandled],
            "the pipeline's reader goes away after its first item: each stage's sends fail in turn and it stops, no job begun in any stage later than two of the slowest jobs (1 s downloads) after the reader left",
            a_stage_stops_when_its_reader_is_gone),
        TASK.scenario("nothing_runs_after_the_output_ends", &[Check::NoLeaks],
            "a tick after the pipeline's output ended, in a whole run with upstream errors and in a cancelled one: no task the stages spawned is alive and no request is in flight",
            nothing_runs_after_the_output_ends),
        TASK.scenario("stretch_stage_metrics_exact", &[Check::Stretch],
            "each stage's metrics, sent once its workers exit: its own successes and failures exact (failures passed on are not its), its busy time the sum of its probes' durations within a tick",
            stretch_stage_metrics_exact),
        TASK.scenario("zero_workers_is_refused", &[Check::GracefulShutdown],
            "each stage given zero workers in turn returns PoolError::ZeroWorkers, and the pipeline ends; no download made when the download stage refuses",
            zero_workers_is_refused),
        TASK.scenario("no_urls_ends_every_stage", &[Check::GracefulShutdown],
            "no URLs: every stage's output ends at once, nothing comes out, no request is made, nothing is left running",
            no_urls_ends_every_stage),
    ]
}

/// One stage's probe brackets: each job's key (its URL), when it began and whether the caller's
/// token had fired then; each finish.
#[derive(Default)]
struct Brackets {
    begun: Vec<(String, Act)>,
    finished: Vec<(String, Duration)>,
}

impl Brackets {
    /// The time each finished job spent in its bracket, added up.
    fn busy(&self) -> Duration {
        let mut open: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
        for (url, (at, _)) in &self.begun {
            open.entry(url).or_default().push(*at);
        }
        self.finished
            .iter()
            .filter_map(|(url, end)| {
                let starts = open.get_mut(url.as_str())?;
                Some(end.saturating_sub(starts.remove(0)))
            })
            .sum()
    }
}

/// What the harness saw of one run of the pipeline.
struct Got {
    /// A stage that refused, and its error.
    refused: Option<(StageName, PoolError)>,
    out: Vec<Out>,
    /// When each stage's output ended, as its reader saw it.
    ended: [Option<Duration>; 3],
    stages: [Brackets; 3],
    /// When each URL was taken.
    taken: Vec<Act>,
    /// Each stage's metrics: `None` not attempted, `Some(None)` never sent.
    metrics: [Option<Option<StageMetrics>>; 3],
    /// Tasks the stages spawned still alive a tick after the output ended.
    alive: usize,
    /// When the reader went away, if it did.
    left: Option<Duration>,
}

struct Run {
    ended: Ended<Got>,
    record: Record,
    ledgers: [Arc<Ledger>; 3],
    cfg: PipelineConfig,
}

impl Run {
    fn got(&self, check: Check) -> Result<&Got, Failure> {
        match &self.ended {
            Ended::Returned(got, _) => Ok(got),
            Ended::TimedOut(limit) => {
                let check = match check {
                    Check::CtxHonored => check,
                    _ => harness::watchdog::blame(
                        check,
                        &self
                            .ledgers
                            .iter()
                            .map(|l| l.snapshot())
                            .collect::<Vec<_>>(),
                    ),
                };
                Err(Failure::new(
                    check,
                    "the pipeline's output ends once every URL has gone through, or at once when cancelled",
                    format!(
                        "it had not ended after {limit:?} of virtual time; the servers saw {} requests, {} still in flight; {}{}",
                        self.record.seen().len(),
                        self.record.in_flight(),
                        self.ledgers.iter().map(|l| l.describe()).collect::<Vec<_>>().join("; "),
                        sim::hung_tasks(),
                    ),
                )
                .hint("each stage's output ends when its last worker drops its sender: give each worker a clone, drop the stage's own copy once they are spawned, and let every wait select on token.cancelled()"))
            }
            Ended::Failed(e) => Err(Failure::new(
                check,
                "the simulated world runs to the end",
                format!("it failed: {e}"),
            )),
        }
    }
}

/// How one run is set up.
#[derive(Clone, Copy, Debug)]
struct Setup {
    cfg: PipelineConfig,
    /// What one resize costs.
    cost: Duration,
    cancel: Cancel,
    /// The pipeline's reader holds its first item this long.
    hold: Option<Duration>,
    /// The pipeline's reader goes away after its first item.
    leave: bool,
}

impl Setup {
    fn new(cfg: PipelineConfig) -> Self {
        Setup {
            cfg,
            cost: TICK,
            cancel: Cancel::Never,
            hold: None,
            leave: false,
        }
    }
}

/// Runs the solution's three stages, connected by the harness, on `urls` in `world`.
fn run(ctx: &mut Ctx, p: &'static dyn Pipeline, world: World, urls: Vec<String>, s: Setup) -> Run {
    let ledgers = [
        ctx.ledger("downloads"),
        ctx.ledger("resizes"),
        ctx.ledger("uploads"),
    ];
    let record = Record::default();
    let seed = ctx.rng.u64(..);
    let what = format!(
        "the pipeline ({s:?}) on {} URLs in a simulated world",
        urls.len()
    );
    ctx.stage(what.clone());
    let l = ledgers.clone();
    let ended = sim::run_watched(
        &world,
        seed,
        LIMIT,
        &record,
        move |client| async move {
            let token = CancellationToken::new();
            let logs: [Arc<Mutex<Brackets>>; 3] = Default::default();
            let probe = |i: usize| {
                let (b, f, fired) = (logs[i].clone(), logs[i].clone(), token.clone());
                Probe::new(l[i].clone())
                    .with_hook(move |url: &String| {
                        let act = (now(), fired.is_cancelled());
                        lock(&b).begun.push((url.clone(), act));
                    })
                    .with_after(move |url: &String| lock(&f).finished.push((url.clone(), now())))
            };
            let probes = [probe(0), probe(1), probe(2)];
            let (jobs, takes) = crate::roles::timed_jobs(&l[0], urls, &token);
            s.cancel.arm(&token);
            let bounds: [Boundary; 3] = Default::default();
            let ((refused, out, metrics, left), alive) =
                harness::tasks::alive_after(drive(p, s, jobs, probes, client, token, &bounds))
                    .await;
            // The world runs on a while: a job still running after its stage's output ended (or
            // after the cancel) finishes, and shows when.
            tokio::time::sleep(AFTER).await;
            for l in &l {
                l.close();
            }
            let taken = std::mem::take(&mut *lock(&takes));
            Got {
                refused,
                out,
                left,
                ended: [0, 1, 2].map(|i| bounds[i].ended()),
                stages: [0, 1, 2].map(|i| std::mem::take(&mut *lock(&logs[i]))),
                taken,
                metrics,
                alive,
            }
        },
        |at| ctx.stage(format!("{what}: the world at {at:?}")),
    );
    Run {
        ended,
        record,
        ledgers,
        cfg: s.cfg,
    }
}

type Driven = (
    Option<(StageName, PoolError)>,
    Vec<Out>,
    [Option<Option<StageMetrics>>; 3],
    Option<Duration>,
);

/// Calls the three stages, each on the previous one's output, and reads the last output to its
/// end; then waits a tick for each stage's metrics and for its tasks to end.
async fn drive(
    p: &'static dyn Pipeline,
    s: Setup,
    jobs: Jobs<String>,
    probes: [Probe<String>; 3],
    client: HttpClient,
    token: CancellationToken,
    bounds: &[Boundary; 3],
) -> Driven {
    let [pd, pr, pu] = probes;
    let refused = |stage, e| async move {
        // What the earlier stages started winds down once their reader is gone.
        tokio::time::sleep(Duration::from_secs(1)).await;
        (Some((stage, e)), Vec::new(), [None, None, None], None)
    };
    let d = match p.download(s.cfg.download, jobs, pd, client.clone(), token.clone()) {
        Ok(d) => d,
        Err(e) => return refused(StageName::Download, e).await,
    };
    let input = Input::new(d.output, bounds[0].clone());
    let resizer = Resizer::new(s.cost);
    let r = match p.resize(s.cfg.resize, input, pr, resizer, token.clone()) {
        Ok(r) => r,
        Err(e) => return refused(StageName::Resize, e).await,
    };
    let input = Input::new(r.output, bounds[1].clone());
    let u = match p.upload(s.cfg.upload, input, pu, client, token) {
        Ok(u) => u,
        Err(e) => return refused(StageName::Upload, e).await,
    };
    let mut last = Input::new(u.output, bounds[2].clone());
    let mut out = Vec::new();
    while let Some(item) = last.recv().await {
        out.push(item);
        if let (1, Some(hold)) = (out.len(), s.hold) {
            tokio::time::sleep(hold).await;
        }
        if s.leave {
            // The reader goes: each stage sees its sends fail in turn, and winds down.
            let left = now();
            drop(last);
            tokio::time::sleep(LEFT).await;
            return (None, out, [None, None, None], Some(left));
        }
    }
    let mut metrics = [None, None, None];
    for (i, m) in [d.metrics, r.metrics, u.metrics].into_iter().enumerate() {
        if let Some(m) = m {
            metrics[i] = Some(
                tokio::time::timeout(TICK, m)
                    .await
                    .ok()
                    .and_then(Result::ok),
            );
        }
    }
    tokio::time::sleep(TICK).await;
    (None, out, metrics, None)
}

/// How long a world runs on after the pipeline's output ended: longer than any job of the
/// scenarios.
const AFTER: Duration = Duration::from_secs(10);

/// How long a run goes on after its reader left.
const LEFT: Duration = Duration::from_secs(20);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn now() -> Duration {
    turmoil::sim_elapsed().unwrap_or_default()
}

fn url_of(out: &Out) -> &str {
    match out {
        Ok(stored) => &stored.url,
        Err(failed) => &failed.url,
    }
}

/// The bytes of image `i`: distinct for every image, of a length of its own.
fn content(i: usize) -> Vec<u8> {
    (0..20 + i).map(|b| (b * 7 + i * 13) as u8).collect()
}

/// `n` images on `img.test`, image `i` answered after `latency(i)`, and a store that answers
/// every upload with a 201 after `store`.
fn images(n: usize, latency: impl Fn(usize) -> Duration, store: Duration) -> (World, Vec<String>) {
    let mut world = World::new().otherwise(STORE, [Reply::status(201, 0).after(store)]);
    let urls = (0..n)
        .map(|i| {
            let path = format!("/i{i}.png");
            world = std::mem::take(&mut world).route(
                IMG,
                &path,
                [Reply::bytes(200, &content(i)).after(latency(i))],
            );
            format!("http://{IMG}{path}")
        })
        .collect();
    (world, urls)
}

/// The store's path for `url`.
fn store_path(url: &str) -> String {
    format!("/{}", url.strip_prefix("http://").unwrap_or(url))
}

fn name(stage: StageName) -> &'static str {
    match stage {
        StageName::Download => "download",
        StageName::Resize => "resize",
        StageName::Upload => "upload",
    }
}

/// Every URL of `urls` out of the pipeline exactly once, and nothing else.
fn each_out_once(got: &Got, urls: &[String], check: Check) -> Outcome {
    let mut counts: BTreeMap<&str, usize> = urls.iter().map(|u| (u.as_str(), 0)).collect();
    let mut strays = Vec::new();
    for o in &got.out {
        match counts.get_mut(url_of(o)) {
            Some(n) => *n += 1,
            None => strays.push(url_of(o).to_owned()),
        }
    }
    let wrong: Vec<String> = counts
        .iter()
        .filter(|(_, n)| **n != 1)
        .map(|(u, n)| format!("{u} ×{n}"))
        .collect();
    ensure(wrong.is_empty() && strays.is_empty(), || {
        Failure::new(
            check,
            format!("each of the {} URLs out of the pipeline exactly once (a failure as an Err naming its stage)", urls.len()),
            format!("{} out; wrong counts: {}{}", got.out.len(), wrong.iter().take(6).cloned().collect::<Vec<_>>().join(", "),
                if strays.is_empty() { String::new() } else { format!("; URLs never given: {strays:?}") }),
        )
        .hint("every item a worker takes goes on to the next stage, a failure as Err(Failed) passed on untouched; a stage's output ends only once its workers have sent all they did")
    })?;
    Ok(())
}

fn every_image_downloaded_resized_and_uploaded(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
) -> Outcome {
    let p = attempted(sol.task10(), TASK)?;
    for cfg in configs() {
        let n = 30;
        let (world, urls) = images(n, |i| TICK * (i % 4) as u32, TICK);
        let r = run(ctx, p, world, urls.clone(), Setup::new(cfg));
        let got = r.got(Check::Requirement)?;
        ensure(got.refused.is_none(), || {
            Failure::new(
                Check::Requirement,
                format!("every stage starts ({cfg:?})"),
                format!("{:?}", got.refused),
            )
        })?;
        each_out_once(got, &urls, Check::Requirement)?;
        let seen = r.record.seen();
        for (i, url) in urls.iter().enumerate() {
            let out = got.out.iter().find(|o| url_of(o) == url);
            ensure(matches!(out, Some(Ok(Stored { status: 201, .. }))), || {
                Failure::new(
                    Check::Requirement,
                    format!("{url}: Ok(Stored {{ status: 201 }}), the store's answer"),
                    format!("{out:?}"),
                )
            })?;
            let posts: Vec<_> = seen
                .iter()
                .filter(|s| s.host == STORE && s.path == store_path(url))
                .collect();
            let want = half(&content(i));
            ensure(
                posts.len() == 1 && posts[0].method == "POST" && posts[0].body == want[..],
                || {
                    Failure::new(
                    Check::Requirement,
                    format!("one POST to http://{STORE}{} with {url}'s image resized ({} bytes: every other byte of the {} downloaded)", store_path(url), want.len(), content(i).len()),
                    match posts.first() {
                        None => "no request to that path".to_string(),
                        Some(s) => format!("{} request(s); the first a {} with {} bytes{}", posts.len(), s.method, s.body.len(),
                            if s.body == content(i) { " (the image as downloaded, not resized)" } else { "" }),
                    },
                )
                .hint("upload what the resize returned, with client.post(&destination(&url), bytes)")
                },
            )?;
        }
        // Each request inside its stage's bracket, and one resize per image.
        for s in &seen {
            let (stage, url) = match s.host.as_str() {
                STORE => (2, format!("http:/{}", s.path)),
                _ => (0, format!("http://{}{}", s.host, s.path)),
            };
            let began = got.stages[stage]
                .begun
                .iter()
                .filter(|(u, _)| *u == url)
                .map(|(_, (t, _))| *t)
                .min();
            ensure(began.is_some_and(|b| b <= s.started), || {
                Failure::new(
                    Check::Requirement,
                    format!("the {} of {url} reaches its server inside the {} stage's probe.run_async keyed by the URL", s.method, name(STAGES[stage])),
                    format!("it arrived at {:?}; the bracket began at {began:?}", s.started),
                )
                .hint("put the request itself, body included, inside the stage's probe: probe.run_async(url.clone(), client.get(&url))")
            })?;
        }
        let mut keys: Vec<&String> = got.stages[1].finished.iter().map(|(u, _)| u).collect();
        keys.sort();
        let mut want: Vec<&String> = urls.iter().collect();
        want.sort();
        let resized = keys.len();
        ensure(keys == want, || {
            Failure::new(
                Check::Requirement,
                format!(
                    "{n} resizes, each inside the resize stage's probe.run_async keyed by its URL"
                ),
                format!(
                    "{resized}, keyed {:?}",
                    keys.iter().take(3).collect::<Vec<_>>()
                ),
            )
            .hint("resize with resizer.resize(&bytes) inside probe.run_async(url, ...)")
        })?;
    }
    Ok(())
}

fn each_stage_runs_its_configured_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let p = attempted(sol.task10(), TASK)?;
    let slow = Duration::from_secs(1);
    for cfg in configs() {
        let n = 3 * [cfg.download, cfg.resize, cfg.upload]
            .iter()
            .map(|s| s.workers + s.buffer)
            .max()
            .unwrap_or(1);
        for (i, stage) in STAGES.into_iter().enumerate() {
            let at = |k| if k == i { slow } else { TICK };
            let (world, urls) = images(n, |_| at(0), at(2));
            let r = run(
                ctx,
                p,
                world,
                urls,
                Setup {
                    cost: at(1),
                    ..Setup::new(cfg)
                },
            );
            r.got(Check::PoolSize)?;
            let seen = match stage {
                StageName::Download => r.record.peak_at(IMG),
                StageName::Resize => r.ledgers[1].snapshot().peak_in_flight as usize,
                StageName::Upload => r.record.peak_at(STORE),
            };
            let want = of(&r.cfg, i).workers;
            ensure(seen == want, || {
                Failure::new(
                    Check::PoolSize,
                    format!("with the {} stage the slow one ({n} images), {want} of its jobs at once: its configured workers ({cfg:?})", name(stage)),
                    format!("{seen} at the most"),
                )
                .hint("spawn exactly the stage's cfg.workers workers, each doing one job at a time: not the seed's 16, NumCPU or 8, nor another stage's size")
            })?;
        }
    }
    Ok(())
}

fn each_output_ends_after_its_stage_s_last_job(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
) -> Outcome {
    let p = attempted(sol.task10(), TASK)?;
    let cfg = distinct();
    // The last images are the slowest: when the input runs out, the workers still hold jobs
    // that take a while yet.
    let n = 24;
    let (world, urls) = images(n, |i| TICK * (5 + 7 * (i % 5) + i) as u32, TICK * 3);
    let r = run(
        ctx,
        p,
        world,
        urls.clone(),
        Setup {
            cost: TICK * 9,
            ..Setup::new(cfg)
        },
    );
    let got = r.got(Check::CloseOnce)?;
    for (i, stage) in STAGES.into_iter().enumerate() {
        let b = &got.stages[i];
        let mut open: BTreeMap<&str, isize> = BTreeMap::new();
        for (u, _) in &b.begun {
            *open.entry(u).or_default() += 1;
        }
        for (u, _) in &b.finished {
            *open.entry(u).or_default() -= 1;
        }
        let cut: Vec<&str> = open
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(u, _)| *u)
            .collect();
        let last = b.finished.iter().map(|(_, t)| *t).max();
        let ended = got.ended[i];
        // Jobs cut short: the stage ended without letting its workers finish (aborted or
        // cancelled instead of joined).
        ensure(cut.is_empty(), || {
            Failure::new(
                Check::AllJoined,
                format!("the {} stage's output ends once its workers have finished every job they began", name(stage)),
                format!("its output ended at {ended:?} with {} job(s) begun and never finished: {}", cut.len(), cut.iter().take(4).cloned().collect::<Vec<_>>().join(", ")),
            )
            .hint("let the workers finish and join them (a JoinSet dropped aborts its tasks; a token cancelled when the input runs out cuts their jobs short)")
        })?;
        ensure(
            ended.is_some() && last.is_none_or(|l| Some(l) <= ended),
            || {
                Failure::new(
                Check::CloseOnce,
                format!("the {} stage's output ends only after its last job finished (at {last:?})", name(stage)),
                format!("it ended at {ended:?}"),
            )
            .hint("each worker holds a clone of the output's sender and drops it as it exits: the output then ends once, after the last send; never drop or take a shared sender early")
            },
        )?;
    }
    each_out_once(got, &urls, Check::Requirement)
}

fn items_wait_in_each_stage_s_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let p = attempted(sol.task10(), TASK)?;
    let cfg = distinct();
    let hold = Duration::from_secs(10);
    let (world, urls) = images(40, |_| TICK, TICK);
    let r = run(
        ctx,
        p,
        world,
        urls,
        Setup {
            hold: Some(hold),
            ..Setup::new(cfg)
        },
    );
    let got = r.got(Check::BufferSize)?;
    // Read half-way through the hold: everything upstream has long since stalled.
    let at = hold / 2;
    let done = |i: usize| {
        got.stages[i]
            .finished
            .iter()
            .filter(|(_, t)| *t < at)
            .count()
    };
    let (u, rz, d) = (cfg.upload, cfg.resize, cfg.download);
    let uploads = 1 + u.buffer + u.workers;
    let resizes = uploads + rz.buffer + rz.workers;
    let downloads = resizes + d.buffer + d.workers;
    let saw = [done(0), done(1), done(2)];
    let taken = got.taken.iter().filter(|(t, _)| *t < at).count();
    let begun = got.stages[0]
        .begun
        .iter()
        .filter(|(_, (t, _))| *t < at)
        .count();
    ensure(taken <= begun + d.buffer + 1, || {
        Failure::new(
            Check::BufferSize,
            format!("with the pipeline stalled, at most the download buffer ({}) plus one URLs taken from the input and not yet begun", d.buffer),
            format!("{taken} taken, {begun} begun by {at:?}"),
        )
        .hint("let the download workers take each URL as they start it (or feed them through a channel of the stage's buffer): never read the input ahead into a list or an unbounded channel")
    })?;
    ensure(saw == [downloads, resizes, uploads], || {
        Failure::new(
            Check::BufferSize,
            format!("with the reader holding its first item, by {at:?}: {uploads} uploads done (the one read, the upload output of {} full, one in each of {} upload workers' hands), {resizes} resizes (plus the resize output of {} and {} workers), {downloads} downloads (plus the download output of {} and {} workers)",
                u.buffer, u.workers, rz.buffer, rz.workers, d.buffer, d.workers),
            format!("{} uploads, {} resizes, {} downloads", saw[2], saw[1], saw[0]),
        )
        .hint("give each stage's output a tokio::sync::mpsc::channel(cfg.buffer) of its own stage's buffer, and no list or unbounded channel in between")
    })?;
    Ok(())
}

fn cancel_stops_every_stage(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let p = attempted(sol.task10(), TASK)?;
    let cfg = distinct();
    // Downloads of 6 s, resizes of 2 s, uploads of 5 s: the first images are resized from 6 s
    // and uploaded from 8 s, so at 9 s every stage is in the middle of a job.
    let secs = Duration::from_secs;
    let c = secs(9);
    let (world, urls) = images(60, |_| secs(6), secs(5));
    let r = run(
        ctx,
        p,
        world,
        urls,
        Setup {
            cost: secs(2),
            cancel: Cancel::At(c),
            ..Setup::new(cfg)
        },
    );
    let got = r.got(Check::CtxHonored)?;
    let late = |acts: &mut dyn Iterator<Item = Duration>| acts.filter(|t| *t > c).count();
    let mut report = Vec::new();
    let mut honoured = true;
    let taken = got.taken.iter().filter(|(_, fired)| *fired).count();
    report.push(format!("URLs taken after it: {taken}"));
    honoured &= taken == 0;
    for (i, stage) in STAGES.into_iter().enumerate() {
        let b = &got.stages[i];
        let begun = b.begun.iter().filter(|(_, (_, fired))| *fired).count();
        let finished = late(&mut b.finished.iter().map(|(_, t)| *t).filter(|t| *t > c + TICK));
        let busy_at_c = b.begun.iter().filter(|(_, (t, _))| *t <= c).count()
            > b.finished.iter().filter(|(_, t)| *t <= c).count();
        honoured &= begun == 0 && finished == 0 && busy_at_c;
        report.push(format!(
            "{}: {begun} jobs begun after it, {finished} finished more than a tick after it{}",
            name(stage),
            if busy_at_c {
                ""
            } else {
                " (it was not busy at the cancel: nothing decided)"
            }
        ));
    }
    // The stages before the last end their outputs unread (their readers stopped): the last
    // output's end, which the harness reads, is the pipeline's.
    let ended = got.ended[2].map(|e| e.saturating_sub(c));
    honoured &= ended.is_some_and(|e| e <= BOUND);
    report.push(format!(
        "the pipeline's output ended {}",
        ended.map_or("never".into(), |e| format!("{e:?} after it"))
    ));
    let seen = r.record.seen();
    let in_flight: Vec<_> = seen
        .iter()
        .filter(|s| s.started <= c && s.ended.is_none_or(|e| e > c))
        .collect();
    let kept = in_flight
        .iter()
        .filter(|s| !s.abandoned || s.ended.is_none_or(|e| e > c + BOUND))
        .count();
    honoured &= kept == 0;
    report.push(format!(
        "requests in flight: {} of {} abandoned within {BOUND:?}",
        in_flight.len() - kept,
        in_flight.len()
    ));
    ensure(honoured, || {
        Failure::new(
            Check::CtxHonored,
            format!("after the caller's cancel at {c:?}, in every stage: no URL taken, no job begun, none finished more than a tick later, every download and upload in flight abandoned at its server, the pipeline's output ended within {BOUND:?}"),
            report.join("; "),
        )
        .hint("in every worker of every stage, select on token.cancelled() while taking an item, around the job itself (dropping a GET or POST closes its connection) and while sending")
    })?;
    // The reader held on its first item, every stage blocked on a full output when the token
    // fires: what comes out afterwards is only what the last output already held.
    let (world, urls) = images(40, |_| TICK, TICK);
    let held = Setup {
        hold: Some(secs(10)),
        cancel: Cancel::At(secs(5)),
        ..Setup::new(cfg)
    };
    let r = run(ctx, p, world, urls, held);
    let got = r.got(Check::CtxHonored)?;
    let most = 1 + cfg.upload.buffer;
    ensure(got.out.len() <= most, || {
        Failure::new(
            Check::CtxHonored,
            format!("with the reader held on its first item and the token fired at 5s, at most {most} items out: the one read and the {} the full upload output held; nothing sent after the cancel", cfg.upload.buffer),
            format!("{} out", got.out.len()),
        )
        .hint("a worker blocked sending on a full output must see the token too: select on token.cancelled() around the send")
    })?;
    // A token fired before the call: nothing fetched.
    let (world, urls) = images(10, |_| TICK, TICK);
    let r = run(
        ctx,
        p,
        world,
        urls,
        Setup {
            cancel: Cancel::Before,
            ..Setup::new(cfg)
        },
    );
    let got = r.got(Check::CtxHonored)?;
    let requests = r.record.seen().len();
    ensure(requests == 0 && got.out.is_empty(), || {
        Failure::new(
            Check::CtxHonored,
            "a token already cancelled at the call: no request made, nothing out, every output ended",
            format!("{requests} requests, {} out", got.out.len()),
        )
        .hint("check the token before taking each item, not only while waiting")
    })?;
    Ok(())
}

fn failures_pass_through_once_and_are_logged(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let p = attempted(sol.task10(), TASK)?;
    let cfg = distinct();
    let (mut world, mut urls) = images(10, |i| TICK * (i % 3) as u32, TICK);
    // Uploads of images 2, 5 and 8 get a 500.
    let bad_store = [2, 5, 8];
    for i in bad_store {
        world = world.route(STORE, &store_path(&urls[i]), [Reply::status(500, 0)]);
    }
    let refused = cfg.download.workers + 2;
    world = world.refusing("down.test");
    urls.extend((0..4).map(|i| format!("http://{IMG}/missing{i}.png")));
    urls.extend((0..refused).map(|i| format!("http://down.test/{i}.png")));
    let r = run(ctx, p, world, urls.clone(), Setup::new(cfg));
    let got = r.got(Check::ErrorsHandled)?;
    each_out_once(got, &urls, Check::ErrorsHandled)?;
    let logged: Vec<String> = harness::logs::captured()
        .into_iter()
        .filter(|e| e.is_problem())
        .map(|e| e.text)
        .collect();
    let mut want_logs = Vec::new();
    for (i, url) in urls.iter().enumerate() {
        let out = got
            .out
            .iter()
            .find(|o| url_of(o) == url)
            .expect("each URL is out once");
        let want = if i < 10 && !bad_store.contains(&i) {
            None
        } else if i < 10 {
            Some(StageName::Upload)
        } else {
            Some(StageName::Download)
        };
        let fits = match (out, want) {
            (Ok(_), None) => true,
            (Err(f), Some(stage)) => {
                want_logs.push(format!("URL {url}: error {}", f.error));
                f.stage == stage && !f.error.is_empty()
            }
            _ => false,
        };
        ensure(fits, || {
            Failure::new(
                Check::ErrorsHandled,
                format!("{url}: {}", match want {
                    None => "Ok(Stored)".to_string(),
                    Some(stage) => format!("Err(Failed {{ stage: {stage:?}, error: <what went wrong> }})"),
                }),
                format!("{out:?}"),
            )
            .hint("a response that is not a 2xx, or an error, is the stage's failure: send it on as Err(Failed { url, stage, error }); later stages pass it on untouched")
        })?;
    }
    // A failed download is never resized or uploaded.
    let failed: Vec<&String> = urls[10..].iter().collect();
    let touched: Vec<String> = got.stages[1..]
        .iter()
        .flat_map(|b| b.begun.iter().map(|(u, _)| u.clone()))
        .filter(|u| failed.contains(&u))
        .collect();
    ensure(touched.is_empty(), || {
        Failure::new(
            Check::ErrorsHandled,
            "a failed download goes on as its failure: no resize, no upload",
            format!("resized or uploaded: {touched:?}"),
        )
        .hint("in the later stages, match the item: an Err(Failed) is sent on as it came, without a job")
    })?;
    let (mut a, mut b) = (logged.clone(), want_logs.clone());
    a.sort();
    b.sort();
    ensure(a == b, || {
        Failure::new(
            Check::ErrorsHandled,
            format!("each of the {} failures logged once at warn as `URL <url>: error <err>` (its emitted error), by the stage it failed in; nothing else logged", b.len()),
            format!("{} lines logged: {:?}", a.len(), a.iter().take(6).collect::<Vec<_>>()),
        )
        .hint("tracing::warn!(\"{failed}\") once, where the failure happens; not again as it passes through later stages")
    })?;
    Ok(())
}

fn a_stage_stops_when_its_reader_is_gone(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let p = attempted(sol.task10(), TASK)?;
    let slow = Duration::from_secs(1);
    let (world, urls) = images(60, |_| slow, TICK);
    let r = run(
        ctx,
        p,
        world,
        urls,
        Setup {
            leave: true,
            ..Setup::new(distinct())
        },
    );
    let got = r.got(Check::ErrorsHandled)?;
    let left = got.left.ok_or_else(|| {
        crate::support::not_deciding(
            Check::ErrorsHandled,
            "the reader leaves after the first item",
            "no item came out",
        )
    })?;
    let bound = left + slow * 2 + BOUND;
    let late: Vec<String> = STAGES
        .into_iter()
        .enumerate()
        .filter_map(|(i, stage)| {
            let last = got.stages[i].begun.iter().map(|(_, (t, _))| *t).max()?;
            (last > bound).then(|| format!("{} began a job {:?} after", name(stage), last - left))
        })
        .collect();
    ensure(late.is_empty(), || {
        Failure::new(
            Check::ErrorsHandled,
            format!("the reader left at {left:?}: a send that fails stops the worker, so no stage begins a job more than {:?} later", bound - left),
            late.join("; "),
        )
        .hint("a failed send means nobody reads this stage's output any more: break out of the worker's loop (`if tx.send(out).await.is_err() { break }`), never `let _ =` it")
    })?;
    Ok(())
}

fn nothing_runs_after_the_output_ends(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let p = attempted(sol.task10(), TASK)?;
    for cancel in [Cancel::Never, Cancel::At(Duration::from_millis(1_500))] {
        let (mut world, mut urls) = images(
            40,
            |i| Duration::from_millis(200 * (i % 4) as u64 + 400),
            TICK * 30,
        );
        // Upstream errors among them: a refusing image host and a store that fails some uploads.
        world = world.refusing("down.test").route(
            STORE,
            &store_path(&urls[3]),
            [Reply::status(502, 0)],
        );
        urls.extend((0..8).map(|i| format!("http://down.test/{i}.png")));
        let r = run(
            ctx,
            p,
            world,
            urls,
            Setup {
                cost: TICK * 20,
                cancel,
                ..Setup::new(distinct())
            },
        );
        let got = r.got(Check::NoLeaks)?;
        crate::support::nothing_alive(
            got.alive,
            &r.record,
            "a stage's tasks end with it: workers exit when the input ends (or the token fires), and whatever joins them (a JoinSet in a closer task) ends once they have; nothing spawned and forgotten",
        )?;
    }
    Ok(())
}

fn stretch_stage_metrics_exact(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let p = attempted(sol.task10(), TASK)?;
    let cfg = distinct();
    let (mut world, mut urls) = images(16, |i| TICK * (i % 5) as u32, TICK * 2);
    for i in [1, 6, 11] {
        world = world.route(STORE, &store_path(&urls[i]), [Reply::status(503, 0)]);
    }
    urls.extend((0..5).map(|i| format!("http://{IMG}/gone{i}.png")));
    let r = run(
        ctx,
        p,
        world,
        urls,
        Setup {
            cost: TICK * 4,
            ..Setup::new(cfg)
        },
    );
    let got = r.got(Check::Stretch)?;
    if got.metrics.iter().all(Option::is_none) {
        return Err(harness::Stop::NotAttempted(format!(
            "{}'s stages send no metrics (Stage::metrics is None)",
            TASK.id()
        )));
    }
    let want = [(16, 5), (16, 0), (13, 3)];
    for (i, stage) in STAGES.into_iter().enumerate() {
        let busy = got.stages[i].busy();
        let m = got.metrics[i];
        let fits = m
            .flatten()
            .is_some_and(|m| (m.ok, m.failed) == want[i] && m.busy.abs_diff(busy) <= TICK);
        ensure(fits, || {
            Failure::new(
                Check::Stretch,
                format!("the {} stage's metrics, sent once its workers exit: {} ok, {} failed, busy {busy:?} (its probes' durations added up) within a tick", name(stage), want[i].0, want[i].1),
                match m {
                    None => "no metrics (None)".to_string(),
                    Some(None) => "never sent (within a tick of the output's end)".to_string(),
                    Some(Some(m)) => format!("{m:?}"),
                },
            )
            .hint("count in each worker only the jobs of its own stage (a failure passed on is not one), time each around its probe.run_async with tokio::time::Instant, and send the sum once the workers are joined")
        })?;
    }
    Ok(())
}

fn zero_workers_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let p = attempted(sol.task10(), TASK)?;
    for (i, stage) in STAGES.into_iter().enumerate() {
        let mut cfg = distinct();
        match stage {
            StageName::Download => cfg.download.workers = 0,
            StageName::Resize => cfg.resize.workers = 0,
            StageName::Upload => cfg.upload.workers = 0,
        }
        let (world, urls) = images(8, |_| TICK, TICK);
        let r = run(ctx, p, world, urls, Setup::new(cfg));
        let got = r.got(Check::GracefulShutdown)?;
        let requests = r.record.seen().len();
        ensure(
            got.refused == Some((stage, PoolError::ZeroWorkers)) && (i > 0 || requests == 0),
            || {
                Failure::new(
                    Check::GracefulShutdown,
                    format!("the {} stage, given zero workers, returns Err(PoolError::ZeroWorkers) at once{}", name(stage), if i == 0 { ", no request made" } else { "" }),
                    format!("refused: {:?}; {} out; {requests} requests", got.refused, got.out.len()),
                )
                .hint("check cfg.workers before spawning anything: a stage with no workers ends its output at once and loses every item")
            },
        )?;
    }
    Ok(())
}

fn no_urls_ends_every_stage(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let p = attempted(sol.task10(), TASK)?;
    let (world, _) = images(1, |_| TICK, TICK);
    let r = run(ctx, p, world, Vec::new(), Setup::new(distinct()));
    let got = r.got(Check::GracefulShutdown)?;
    let requests = r.record.seen().len();
    let ended = got.ended.iter().all(Option::is_some);
    ensure(
        got.refused.is_none() && got.out.is_empty() && requests == 0 && ended && got.alive == 0,
        || {
            Failure::new(
                Check::GracefulShutdown,
                "no URLs: every stage starts, every output ends with nothing in it, no request made, no task left",
                format!("refused: {:?}; {} out; {requests} requests; outputs ended: {:?}; {} task(s) alive", got.refused, got.out.len(), got.ended, got.alive),
            )
            .hint("an empty input is no error for a stage: its workers find nothing and exit, and the output ends")
        },
    )?;
    Ok(())
}

fn uploads_on_real_sockets(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let p = attempted(sol.task10(), TASK)?;
    let n = 8;
    let (world, urls) = images(n, |i| Duration::from_millis(i as u64 % 3), Duration::ZERO);
    ctx.stage("running the pipeline on real loopback sockets");
    let ledgers = [
        ctx.ledger("downloads"),
        ctx.ledger("resizes"),
        ctx.ledger("uploads"),
    ];
    let (l, list) = (ledgers.clone(), urls.clone());
    let setup = Setup {
        cost: Duration::from_millis(2),
        ..Setup::new(distinct())
    };
    let (ended, received) =
        harness::net::real::run(&world, Duration::from_secs(5), |client| async move {
            let jobs = Jobs::new(l[0].clone(), list, |u: &String| u.clone());
            let probes = [0, 1, 2].map(|i| Probe::new(l[i].clone()));
            let bounds: [Boundary; 3] = Default::default();
            drive(
                p,
                setup,
                jobs,
                probes,
                client,
                CancellationToken::new(),
                &bounds,
            )
            .await
        });
    let stood = || {
        let stood: Vec<String> = ledgers.iter().map(|l| l.describe()).collect();
        stood.join("; ")
    };
    let (refused, out, _, _) =
        crate::support::real_returned(ended, "the pipeline's output ends", stood)?;
    let got = Got {
        refused,
        out,
        ended: [None; 3],
        stages: Default::default(),
        taken: Vec::new(),
        metrics: [None, None, None],
        alive: 0,
        left: None,
    };
    each_out_once(&got, &urls, Check::Requirement)?;
    for (i, url) in urls.iter().enumerate() {
        let posts: Vec<_> = received
            .iter()
            .filter(|r| r.host == STORE && r.path == store_path(url))
            .collect();
        let want = half(&content(i));
        ensure(
            posts.len() == 1
                && posts[0].method == "POST"
                && posts[0].host_header.as_deref() == Some(STORE)
                && posts[0].body == want[..],
            || {
                Failure::new(
                    Check::Requirement,
                    format!("one POST to http://{STORE}{} with `Host: {STORE}` and {url}'s image at half size ({} bytes)", store_path(url), want.len()),
                    format!("{:?}", posts.iter().map(|r| (&r.method, &r.host_header, r.body.len())).collect::<Vec<_>>()),
                )
                .hint("upload what the resize returned, with client.post(&destination(&url), bytes)")
            },
        )?;
    }
    Ok(())
}

// Heartbeat latency (p50/p99) and throughput at several concurrency levels, through the local host's HTTP front end
// and straight to the worker's own HTTP endpoint, in the same run and against the same worker.
//
// "Straight to the worker" still needs an invocation over gRPC (the worker pairs every HTTP request with one), so
// that path sends the InvocationRequest itself and the HTTP request directly to the worker's HttpUri with
// x-ms-invocation-id. The difference between the two is what the host adds: its Kestrel front end, routing, key
// check and the YARP forwarding hop. Both paths end a request once the response is read and the invocation's
// InvocationResponse has arrived (the host ends its response only then).
//
// Usage: dotnet run -c Release --project bench/FunctionsHost.Bench -- [--app functions] [--seconds 8] [--levels
// 1,16,64]
//        [--rounds 8] [--setting NAME=VALUE]...
// At the end it prints the worker process's peak resident set (VmHWM), for the instance-size question in
// docs/deploy.md.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FunctionsHost;
using FunctionsHost.Rpc;
using ItInventory.Functions.Tests.Shared;

var app = "functions";
var seconds = 8.0;
var rounds = 8;
int[] levels = [1, 16, 64];
var extraSettings = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--app":
            app = args[++i];
            break;
        case "--seconds":
            seconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            break;
        case "--levels":
            levels = args[++i].Split(',').Select(int.Parse).ToArray();
            break;
        case "--rounds":
            rounds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            break;
        case "--setting":
            extraSettings.AddRange(["--setting", args[++i]]);
            break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}");
            return 64;
    }
}

const string EnrollmentSecret = "bench-bootstrap-enrollment-secret-0123456789";
var azuriteData = Path.Combine(Path.GetTempPath(), "functionshost-bench-" + Guid.NewGuid().ToString("N")[..8]);
var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
var storage =
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
    + StorageEmulator.AccountKey
    + ";"
    + $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;"
    + $"QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;"
    + $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
var options = HostOptions.Parse([
    "--app",
    app,
    "--port",
    "0",
    "-c",
    "Release",
    "--azurite-location",
    azuriteData,
    "--master-key",
    "bench-master-key",
    "--setting",
    "AzureWebJobsStorage=" + storage,
    "--setting",
    "Storage__CreateIfNotExists=true",
    "--setting",
    "Enrollment__Secret=" + EnrollmentSecret,
    "--setting",
    "CHECKIN_QUEUE=checkins",
    "--setting",
    "AUDIT_ARCHIVE_SCHEDULE=0 15 0 * * *",
    "--setting",
    "OFFLINE_SCAN_SCHEDULE=0 */5 * * * *",
    "--setting",
    "LICENCE_COMPLIANCE_SCHEDULE=0 30 2 * * *",
    "--setting",
    "LICENCE_RECLAIM_SCHEDULE=0 0 3 * * *",
    "--setting",
    "RECONCILIATION_SCHEDULE=0 0 4 * * *",
    "--setting",
    "IDLE_SCAN_SCHEDULE=0 30 4 * * *",
    "--setting",
    "CAMPAIGN_SCHEDULE=0 0 6 * * *",
    .. extraSettings,
]);

var host = await LocalFunctionsHost.StartAsync(options, CancellationToken.None);
try
{
    HostConsole.Quiet = true;
    var checkin = host.Functions.Single(f => f.Name == "PostCheckin");
    var workerUri = host.WorkerHttpUri ?? throw new InvalidOperationException("The worker has no HTTP endpoint.");
    using var http = new HttpClient(
        new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        }
    )
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    var devices = new List<(string Id, string Authorization)>();
    for (var i = 0; i < levels.Max(); i++)
    {
        var body = SamplePayloads.Enrollment(
            $"BENCH{i:D5}",
            macs: [$"3C:52:82:00:{i / 256:X2}:{i % 256:X2}"],
            hostname: $"bench-{i}",
            secret: EnrollmentSecret
        );
        using var response = await http.PostAsync(
            new Uri(host.BaseUri, "api/devices/enroll"),
            new StringContent(body, Encoding.UTF8, "application/json")
        );
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Enrollment failed: {(int)response.StatusCode} {json}");
        devices.Add((json.GetProperty("deviceId").GetString()!, json.GetProperty("authorization").GetString()!));
    }
    var heartbeats = devices.Select(d => Encoding.UTF8.GetBytes(SamplePayloads.Heartbeat(d.Id).Text())).ToArray();

    async Task<long> ThroughHost(int device)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseUri, "api/checkins"))
        {
            Content = Json(heartbeats[device]),
        };
        request.Headers.TryAddWithoutValidation("Authorization", devices[device].Authorization);
        using var response = await http.SendAsync(request);
        await Check(response);
        return Stopwatch.GetTimestamp();
    }

    async Task<long> StraightToWorker(int device)
    {
        var invocation = new InvocationRequest { InvocationId = Guid.NewGuid().ToString() };
        invocation.InputData.Add(
            new ParameterBinding
            {
                Name = checkin.Trigger.Name,
                Data = new TypedData { Http = new RpcHttp() },
            }
        );
        var invoked = host.Channel.InvokeAsync(checkin, invocation, "bench", CancellationToken.None);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(workerUri, "api/checkins"))
        {
            Content = Json(heartbeats[device]),
        };
        request.Headers.TryAddWithoutValidation("Authorization", devices[device].Authorization);
        request.Headers.TryAddWithoutValidation("x-ms-invocation-id", invocation.InvocationId);
        using var response = await http.SendAsync(request);
        await Check(response);
        // Like the host, which answers only once it has the invocation's result.
        if (!(await invoked).Succeeded)
            throw new InvalidOperationException("The invocation failed.");
        return Stopwatch.GetTimestamp();
    }

    Console.WriteLine();
    Console.WriteLine(
        $"Heartbeats (POST /api/checkins), {seconds:0.#} s per path and level, paths interleaved in {rounds} ABBA "
            + $"rounds; {Environment.ProcessorCount} cores."
    );
    Console.WriteLine();
    Console.WriteLine("| concurrency | path | requests | req/s | p50 ms | p99 ms |");
    Console.WriteLine("|---:|---|---:|---:|---:|---:|");
    var summary = new List<string>();
    foreach (var level in levels)
    {
        // Warm both paths up, then alternate in ABBA order (host, worker, worker, host, ...) so that drift (JIT,
        // Azurite
        // growth, other load on the machine) hits both alike.
        await Measure(level, ThroughHost, TimeSpan.FromSeconds(1));
        await Measure(level, StraightToWorker, TimeSpan.FromSeconds(1));
        var viaHost = new Result();
        var direct = new Result();
        var slice = TimeSpan.FromSeconds(seconds / rounds);
        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
                viaHost.Add(await Measure(level, ThroughHost, slice));
            direct.Add(await Measure(level, StraightToWorker, slice));
            if (round % 2 == 1)
                viaHost.Add(await Measure(level, ThroughHost, slice));
        }
        Console.WriteLine(
            $"| {level} | host | {viaHost.Count} | {viaHost.Throughput:0} | {viaHost.P(50):0.00} | "
                + $"{viaHost.P(99):0.00} |"
        );
        Console.WriteLine(
            $"| {level} | worker | {direct.Count} | {direct.Throughput:0} | {direct.P(50):0.00} | {direct.P(99):0.00} |"
        );
        summary.Add(
            $"concurrency {level}: host/worker p50 {viaHost.P(50) / direct.P(50):0.00}x "
                + $"({(viaHost.P(50) / direct.P(50) - 1) * 100:+0;-0;0}%), p99 {viaHost.P(99) / direct.P(99):0.00}x, "
                + $"throughput {viaHost.Throughput / direct.Throughput:0.00}x"
        );
    }
    Console.WriteLine();
    foreach (var line in summary)
        Console.WriteLine(line);
    Console.WriteLine(WorkerMemory(host.Worker.Id));
    return 0;
}
finally
{
    HostConsole.Quiet = false;
    await host.DisposeAsync();
    try
    {
        Directory.Delete(azuriteData, recursive: true);
    }
    catch (IOException) { }
}

// The worker's resident set: its high-water mark since start and now (Linux /proc; elsewhere not measured).
static string WorkerMemory(int pid)
{
    var status = $"/proc/{pid}/status";
    if (!File.Exists(status))
        return "Worker memory: not measured on this platform.";
    var values = File.ReadLines(status)
        .Select(line => line.Split(':', 2))
        .Where(parts => parts.Length == 2 && parts[0] is "VmHWM" or "VmRSS")
        .ToDictionary(parts => parts[0], parts => long.Parse(parts[1].Trim().Split(' ')[0]) / 1024);
    return $"Worker process (pid {pid}): peak resident set (VmHWM) {values.GetValueOrDefault("VmHWM")} MB, "
        + $"now {values.GetValueOrDefault("VmRSS")} MB";
}

static ByteArrayContent Json(byte[] body)
{
    var content = new ByteArrayContent(body);
    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
    return content;
}

static async Task Check(HttpResponseMessage response)
{
    var text = await response.Content.ReadAsStringAsync();
    if (response.StatusCode != HttpStatusCode.OK)
        throw new InvalidOperationException($"Heartbeat answered {(int)response.StatusCode}: {text}");
}

static async Task<Result> Measure(int concurrency, Func<int, Task<long>> send, TimeSpan duration)
{
    var result = new Result();
    var total = Stopwatch.StartNew();
    var tasks = Enumerable
        .Range(0, concurrency)
        .Select(async device =>
        {
            var latencies = new List<double>();
            while (total.Elapsed < duration)
            {
                var one = Stopwatch.GetTimestamp();
                var answered = await send(device);
                latencies.Add(Stopwatch.GetElapsedTime(one, answered).TotalMilliseconds);
            }
            return latencies;
        })
        .ToArray();
    foreach (var latencies in await Task.WhenAll(tasks))
        result.Latencies.AddRange(latencies);
    result.Elapsed = total.Elapsed;
    return result;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

internal sealed class Result
{
    public List<double> Latencies { get; } = [];

    public TimeSpan Elapsed { get; set; }

    public int Count => Latencies.Count;

    public double Throughput => Count / Elapsed.TotalSeconds;

    public void Add(Result other)
    {
        Latencies.AddRange(other.Latencies);
        Elapsed += other.Elapsed;
    }

    public double P(int percentile)
    {
        if (Latencies.Count == 0)
            return double.NaN;
        var sorted = Latencies.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

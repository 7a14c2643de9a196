namespace FunctionsHost;

/// <summary>The command line of the local host.</summary>
internal sealed class HostOptions
{
    public const string Usage = """
        Local Azure Functions host for .NET isolated-worker apps (development and tests only).

        Usage: FunctionsHost [--app <project dir|.csproj|built output dir>] [options]

          --app <path>            Function app: a project (built first) or a folder holding functions.metadata.
                                  Default: .
          --port <n>              HTTP port for triggers and admin API (0 = any free port). Default: local.settings.json
                                  Host.LocalHttpPort, else 7071.
          --functions <a,b,...>   Load only these functions (like func start --functions).
          --settings <file>       local.settings.json to use. Default: the project's, else its
                                  local.settings.example.json.
          --setting <KEY=VALUE>   Add or override one app setting (repeatable).
          --master-key <key>      Master (admin) key. Default: local.settings.json Host.MasterKey, else generated
                                  per run.
          --configuration <c>     Build configuration when --app is a project. Default: Debug.
          --no-build              Do not build the project; use its existing output.
          --no-azurite            Never start Azurite, even when no storage is configured.
          --azurite-location <d>  Azurite data folder. Default: .azurite next to the package.json that pins azurite.
          --dev-identity          Also start the development identity provider (tools/DevIdentity) on 127.0.0.1 and
                                  make the app accept its tokens (development only; off unless asked).
          --dev-identity-port <n> Its port (0 = any free port). Default: 7072.
          --console <path>        Also serve a Blazor WebAssembly app (its project dir or built output dir) on
                                  127.0.0.1, its appsettings.json overlaid with the API and the identity provider,
                                  and allow its origin (CORS).
          --console-port <n>      Its port (0 = any free port). Default: 7073.
          --cors <origin>         Allow this browser origin to call the HTTP triggers (repeatable).
          --verbose               Also print debug output (protocol messages, worker stdout).
          -h, --help              Show this help.
        """;

    public string App { get; private set; } = ".";

    public int? Port { get; private set; }

    public IReadOnlyList<string>? Functions { get; private set; }

    public string? SettingsFile { get; private set; }

    public Dictionary<string, string> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string? MasterKey { get; private set; }

    public string Configuration { get; private set; } = "Debug";

    public bool NoBuild { get; private set; }

    public bool NoAzurite { get; private set; }

    public string? AzuriteLocation { get; private set; }

    public bool Verbose { get; private set; }

    public bool DevIdentity { get; private set; }

    public int DevIdentityPort { get; private set; } = 7072;

    public string? Console { get; private set; }

    public int ConsolePort { get; private set; } = 7073;

    public List<string> CorsOrigins { get; } = [];

    public bool Help { get; private set; }

    public static HostOptions Parse(IReadOnlyList<string> args)
    {
        var options = new HostOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() =>
                i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option '{arg}' needs a value.");
            switch (arg)
            {
                case "--app":
                    options.App = Value();
                    break;
                case "--port":
                    options.Port =
                        int.TryParse(Value(), out var port) && port is >= 0 and <= 65535
                            ? port
                            : throw new ArgumentException($"--port expects a number from 0 to 65535, not '{args[i]}'.");
                    break;
                case "--functions":
                    var names = new List<string>();
                    while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        names.AddRange(
                            args[++i]
                                .Split(
                                    [',', ' '],
                                    StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries
                                )
                        );
                    }
                    if (names.Count == 0)
                    {
                        throw new ArgumentException("--functions expects at least one function name.");
                    }
                    options.Functions = names;
                    break;
                case "--settings":
                    options.SettingsFile = Value();
                    break;
                case "--setting":
                    var pair = Value();
                    var eq = pair.IndexOf('=');
                    if (eq <= 0)
                        throw new ArgumentException($"--setting expects KEY=VALUE, not '{pair}'.");
                    options.Settings[pair[..eq]] = pair[(eq + 1)..];
                    break;
                case "--master-key":
                    options.MasterKey = Value();
                    break;
                case "--configuration" or "-c":
                    options.Configuration = Value();
                    break;
                case "--no-build":
                    options.NoBuild = true;
                    break;
                case "--no-azurite":
                    options.NoAzurite = true;
                    break;
                case "--azurite-location":
                    options.AzuriteLocation = Value();
                    break;
                case "--dev-identity":
                    options.DevIdentity = true;
                    break;
                case "--dev-identity-port":
                    options.DevIdentityPort = PortValue(arg, Value());
                    break;
                case "--console":
                    options.Console = Value();
                    break;
                case "--console-port":
                    options.ConsolePort = PortValue(arg, Value());
                    break;
                case "--cors":
                    var origin = Value();
                    options.CorsOrigins.Add(
                        Uri.TryCreate(origin, UriKind.Absolute, out var o) && o.AbsolutePath == "/"
                            ? o.GetLeftPart(UriPartial.Authority)
                            : throw new ArgumentException(
                                $"--cors expects an origin (scheme://host:port), not '{origin}'."
                            )
                    );
                    break;
                case "--verbose" or "-v":
                    options.Verbose = true;
                    break;
                case "--help" or "-h" or "-?":
                    options.Help = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{arg}'.");
            }
        }
        return options;
    }

    private static int PortValue(string option, string value) =>
        int.TryParse(value, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new ArgumentException($"{option} expects a number from 0 to 65535, not '{value}'.");
}

using System.Runtime.InteropServices;
using FunctionsHost;

HostOptions options;
try
{
    options = HostOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(HostOptions.Usage);
    return 64;
}
if (options.Help)
{
    Console.WriteLine(HostOptions.Usage);
    return 0;
}

using var stopping = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    // The first Ctrl+C (or SIGTERM) stops gracefully; the host then ends its worker and Azurite itself.
    context.Cancel = true;
    stopping.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await LocalFunctionsHost.RunAsync(options, stopping.Token);

namespace ItInventory.Functions.Tests.Shared;

/// <summary>A machine-wide lock between test processes: an exclusive, delete-on-close lock file, polled until free
/// (or until the deadline, when the last attempt's error surfaces).</summary>
public static class CrossProcessLock
{
    public static async Task<FileStream> AcquireAsync(string path, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                return new FileStream(
                    path,
                    FileMode.OpenOrCreate,
                    FileAccess.ReadWrite,
                    FileShare.None,
                    1,
                    FileOptions.DeleteOnClose
                );
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }
}

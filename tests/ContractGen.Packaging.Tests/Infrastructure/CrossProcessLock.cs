namespace ContractGen.Packaging.Tests.Infrastructure;

/// <summary>
/// A lock held by opening a file exclusively: two test runs in one worktree (a developer's and an IDE's) take turns
/// at packing, which writes into the same obj/ folders, instead of racing.
/// </summary>
internal static class CrossProcessLock
{
    public static async Task<IDisposable> AcquireAsync(string path, TimeSpan timeout)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }
}

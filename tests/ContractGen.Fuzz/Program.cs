using SharpFuzz;

namespace ContractGen.Fuzz;

/// <summary>
/// The fuzz program. <c>ContractGen.Fuzz &lt;target&gt;</c> runs a target under AFL++ (SharpFuzz's fork server, one
/// process per crash); <c>replay &lt;target&gt; &lt;file-or-folder&gt;...</c> runs inputs once each and says which fail;
/// <c>seed &lt;corpus-folder&gt;</c> writes the seed corpus.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: ContractGen.Fuzz <target>                          fuzz <target> under afl-fuzz (reads inputs on stdin)
               ContractGen.Fuzz replay <target> <file|folder>...  run inputs once each, report the ones that fail
               ContractGen.Fuzz seed <corpus-folder>              write the seed corpus from real traffic
        targets: frames, handshake, dispatch
        """;

    public static int Main(string[] args)
    {
        switch (args)
        {
            case ["seed", var folder]:
                SeedGenerator.WriteAsync(folder).GetAwaiter().GetResult();
                return 0;
            case ["replay", var name, .. var paths] when paths.Length > 0:
                return Replay(FuzzTargets.Get(name), paths);
            case [var name] when FuzzTargets.All.Any(t => t.Name == name):
                var target = FuzzTargets.Get(name);

                // Out of process: an input that ends the process (an access violation, a stack overflow) is reported
                // to AFL++ as a crash and the next input runs in a fresh process, instead of the fuzzer stopping.
                Fuzzer.OutOfProcess.Run(stream =>
                {
                    using var memory = new MemoryStream();
                    stream.CopyTo(memory);
                    target.RunMonitored(memory.GetBuffer().AsMemory(0, (int)memory.Length));
                });
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    private static int Replay(IFuzzTarget target, string[] paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                target.RunMonitored(File.ReadAllBytes(file));
                Console.WriteLine($"ok    {file}");
            }
            catch (Exception ex)
            {
                failed++;
                Console.WriteLine($"FAIL  {file}: {ex}");
            }
        }

        Console.WriteLine($"{target.Name}: {files.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }
}

// The defect monitor of the targets sees every first-chance exception of the process: nothing else may run beside them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ContractGen.Fuzz.Tests;

/// <summary>
/// Every seed of the corpus and every checked-in regression input runs through its target in this process and must
/// neither throw nor trip the defect monitor. Each regression input is a crash AFL++ found before the strict decoders
/// (docs/security.md, "Fuzzing"); it must stay fixed.
/// </summary>
public sealed class CorpusReplayTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var (target, _, path) in FuzzFiles.Inputs())
        {
            data.Add(target, path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Input_runs_through_its_target_without_a_finding(string target, string relativePath)
    {
        var path = Path.Combine(FuzzFiles.ProjectFolder, relativePath);
        FuzzTargets.Get(target).RunMonitored(File.ReadAllBytes(path));
    }

    [Fact]
    public void Every_target_has_seeds_and_the_issue_killer_frame_is_one_of_them()
    {
        foreach (var target in FuzzFiles.Targets)
        {
            Assert.Contains(FuzzFiles.Inputs(), i => i.Target == target && i.Kind == "corpus");
        }

        // Issue 11's 62-byte Hello: header (payload length 46, Hello), then magic, version, a UTF-8 string header of
        // int.MinValue and 32 bytes of 'x'.
        var killer = File.ReadAllBytes(Path.Combine(FuzzFiles.ProjectFolder, "corpus", "handshake", "killer-hello.bin"));
        Assert.Equal(62, killer.Length);
        Assert.Equal(Convert.FromHexString("2e000000010000000000000000000000" + "4347454e" + "0100" + "00000080" + "00000000"), killer[..30]);
        Assert.All(killer[30..], b => Assert.Equal((byte)'x', b));
    }

    [Fact]
    public void The_frame_target_finds_a_reader_that_contradicts_the_stream()
    {
        // The oracle must be able to fail: a stream whose header announces more bytes than follow ends "in the middle
        // of a frame"; the reader says so, and the target accepts it. A payload-length field above the limit is a
        // violation; the reader refuses it, and the target accepts that too. Neither may be reported as a finding.
        var frames = FuzzTargets.Get("frames");
        frames.RunMonitored(new byte[] { 0, 10, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 2 });
        frames.RunMonitored(new byte[] { 0, 0, 0, 0x20, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 });

        // A defect's exception anywhere while an input runs is a finding, even when the code under test catches it.
        var finding = Assert.Throws<FuzzFindingException>(() => new ThrowingTarget().RunMonitored(new byte[] { 1 }));
        Assert.Contains("IndexOutOfRangeException", finding.Message, StringComparison.Ordinal);
    }

    private sealed class ThrowingTarget : IFuzzTarget
    {
        public string Name => "throwing";

        public void Run(ReadOnlyMemory<byte> input)
        {
            try
            {
                var values = new int[1];
                _ = values[input.Length];
            }
            catch (IndexOutOfRangeException)
            {
                // Swallowed, as a read loop would.
            }
        }
    }
}

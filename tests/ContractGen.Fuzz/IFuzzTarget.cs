namespace ContractGen.Fuzz;

/// <summary>One fuzz target: runs one input and returns, or throws when the input exposed a defect.</summary>
public interface IFuzzTarget
{
    /// <summary>The name the fuzz program and the corpus folders use.</summary>
    string Name { get; }

    /// <summary>
    /// Runs <paramref name="input"/> through the code under test. Returns when the code accepted the input or refused it
    /// with a typed ContractGen exception; throws anything else, or <see cref="FuzzFindingException"/> when it misbehaved
    /// without throwing (a hang, a swallowed defect, a result that contradicts the input).
    /// </summary>
    void Run(ReadOnlyMemory<byte> input);
}

/// <summary>The targets, by name.</summary>
public static class FuzzTargets
{
    /// <summary>How long one input may take before it counts as a hang (AFL++'s own timeout in run.sh is longer).</summary>
    internal static readonly TimeSpan HangTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Every target.</summary>
    public static IReadOnlyList<IFuzzTarget> All { get; } = [new FrameTarget(), new HandshakeTarget(), new DispatchTarget()];

    /// <summary>The target called <paramref name="name"/>.</summary>
    public static IFuzzTarget Get(string name)
        => All.FirstOrDefault(t => t.Name == name)
           ?? throw new ArgumentException($"There is no fuzz target '{name}'; the targets are {string.Join(", ", All.Select(t => t.Name))}.", nameof(name));

    /// <summary>Runs one input with the defect monitor armed around it.</summary>
    public static void RunMonitored(this IFuzzTarget target, ReadOnlyMemory<byte> input)
    {
        BugMonitor.Begin();
        try
        {
            target.Run(input);
        }
        finally
        {
            BugMonitor.End();
        }
    }
}

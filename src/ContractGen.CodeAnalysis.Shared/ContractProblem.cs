using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>A rule a contract breaks: the diagnostic ID, where, and the message arguments. The analyzers turn it into a diagnostic.</summary>
internal sealed record ContractProblem(string Id, Location? Location, params string[] MessageArguments)
{
    /// <summary>What a code fix needs to know, passed on as the diagnostic's properties (keys in <see cref="DiagnosticProperties"/>).</summary>
    public ImmutableDictionary<string, string?> Properties { get; init; } = ImmutableDictionary<string, string?>.Empty;
}

using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>A rule a contract breaks: the diagnostic ID, where, and the message arguments. The analyzers turn it into a diagnostic.</summary>
internal sealed record ContractProblem(string Id, Location? Location, params string[] MessageArguments);

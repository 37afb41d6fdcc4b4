namespace ContractGen;

/// <summary>
/// Says who may call a contract (on the interface) or one method (on the method). Within one attribute the criteria
/// are alternatives: a caller that meets any of them is allowed. When both the contract and the method carry a rule,
/// the caller must satisfy both: the strictest applicable rule wins.
/// </summary>
/// <remarks>
/// Identities are the kernel's (peer credentials of the socket), never values the caller sends. Generated
/// dispatchers check the rule before the arguments are decoded; a refused caller gets
/// <see cref="AccessDeniedException"/> and the host logs the attempt.
/// </remarks>
[AttributeUsage(AttributeTargets.Interface | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AllowCallersAttribute : Attribute
{
    /// <summary>Allow the superuser (uid 0).</summary>
    public bool Root { get; set; }

    /// <summary>Allow callers that run as the same user as the service.</summary>
    public bool SameUser { get; set; }

    /// <summary>Allow these user names (resolved to uids when the host starts).</summary>
    public string[] Users { get; set; } = [];

    /// <summary>Allow these numeric user ids.</summary>
    public uint[] UserIds { get; set; } = [];

    /// <summary>Allow members of these groups, primary or supplementary (resolved to gids when the host starts).</summary>
    public string[] Groups { get; set; } = [];
}

/// <summary>Only the superuser (uid 0) may call: shorthand for <c>[AllowCallers(Root = true)]</c>.</summary>
[AttributeUsage(AttributeTargets.Interface | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RequireRootAttribute : Attribute
{
}

/// <summary>
/// States on purpose that any local user may call (a <see cref="ServiceContext.System"/> method without a rule is open
/// too, but the analyzers ask you to say so).
/// </summary>
[AttributeUsage(AttributeTargets.Interface | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AllowAnyLocalUserAttribute : Attribute
{
}

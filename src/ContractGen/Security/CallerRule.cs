using System.ComponentModel;
using ContractGen.Transports;

namespace ContractGen.Security;

/// <summary>
/// One authorization rule, as generated from <see cref="AllowCallersAttribute"/>, <see cref="RequireRootAttribute"/> or a
/// context's default: a caller that meets any of its criteria passes. Names resolve to ids once, on first use.
/// </summary>
public sealed class CallerRule
{
    private readonly string[] _userNames;
    private readonly string[] _groupNames;
    private readonly uint[] _userIds;
    private (uint[] Users, uint[] Groups)? _resolved;

    /// <summary>Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public CallerRule(bool root, bool sameUser, string[] users, uint[] userIds, string[] groups)
    {
        Root = root;
        SameUser = sameUser;
        _userNames = users ?? [];
        _userIds = userIds ?? [];
        _groupNames = groups ?? [];
    }

    /// <summary>Whether the superuser passes.</summary>
    public bool Root { get; }

    /// <summary>Whether a caller with the service's own uid passes.</summary>
    public bool SameUser { get; }

    /// <summary>A readable form of the rule, for logs and error messages.</summary>
    public string Description
    {
        get
        {
            var parts = new List<string>();
            if (Root)
            {
                parts.Add("root");
            }

            if (SameUser)
            {
                parts.Add("the service's own user");
            }

            parts.AddRange(_userNames.Select(u => $"user '{u}'"));
            parts.AddRange(_userIds.Select(u => $"uid {u}"));
            parts.AddRange(_groupNames.Select(g => $"group '{g}'"));
            return parts.Count == 0 ? "nobody" : string.Join(" or ", parts);
        }
    }

    /// <summary>Whether <paramref name="caller"/> meets the rule, for a service running as <paramref name="serviceUserId"/>.</summary>
    public bool Allows(PeerCredentials caller, uint serviceUserId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (Root && caller.UserId == 0)
        {
            return true;
        }

        if (SameUser && caller.UserId == serviceUserId)
        {
            return true;
        }

        var (users, groups) = _resolved ??= Resolve();
        if (users.Contains(caller.UserId))
        {
            return true;
        }

        foreach (var gid in groups)
        {
            if (caller.GroupId == gid || caller.SupplementaryGroupIds.Contains(gid))
            {
                return true;
            }
        }

        return false;
    }

    private (uint[] Users, uint[] Groups) Resolve()
    {
        // A name that does not resolve allows nobody: failing closed is the only safe reading of a typo.
        var users = _userIds.Concat(_userNames.Select(UnixAccounts.TryGetUserId).Where(id => id.HasValue).Select(id => id!.Value)).ToArray();
        var groups = _groupNames.Select(UnixAccounts.TryGetGroupId).Where(id => id.HasValue).Select(id => id!.Value).ToArray();
        return (users, groups);
    }
}

/// <summary>The rules that apply to one method; a caller must satisfy every one of them.</summary>
public sealed class CallerPolicy
{
    /// <summary>Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public CallerPolicy(params CallerRule[] rules)
    {
        Rules = rules ?? [];
    }

    /// <summary>A policy without rules: any local user may call.</summary>
    public static CallerPolicy AnyLocalUser { get; } = new();

    /// <summary>The rules, all of which must pass.</summary>
    public IReadOnlyList<CallerRule> Rules { get; }

    /// <summary>Finds the first rule <paramref name="caller"/> fails, or <see langword="null"/> when every rule passes.</summary>
    public CallerRule? FindUnmetRule(PeerCredentials? caller, uint serviceUserId)
    {
        foreach (var rule in Rules)
        {
            // No kernel identity (an in-memory transport without credentials) passes no rule.
            if (caller is null || !rule.Allows(caller, serviceUserId))
            {
                return rule;
            }
        }

        return null;
    }
}

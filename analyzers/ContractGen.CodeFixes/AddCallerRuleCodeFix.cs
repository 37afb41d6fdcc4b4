using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ContractGen.CodeFixes;

/// <summary>
/// Fixes CGEN3006 with one of two explicit rules on the method: <c>[AllowAnyLocalUser]</c> (what the method already allows,
/// now said on purpose) or <c>[RequireRoot]</c> (the strictest rule). Anything in between is an <c>[AllowCallers]</c> the
/// author writes.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddCallerRuleCodeFix)), Shared]
public sealed class AddCallerRuleCodeFix : AttributeCodeFixProvider
{
    /// <summary>The equivalence key of <em>Allow any local user to call 'X'</em>.</summary>
    public const string AllowAnyLocalUserEquivalenceKey = "ContractGen.AddAllowAnyLocalUser";

    /// <summary>The equivalence key of <em>Allow only root to call 'X'</em>.</summary>
    public const string RequireRootEquivalenceKey = "ContractGen.AddRequireRoot";

    private const string AllowAnyLocalUser = "ContractGen.AllowAnyLocalUser";
    private const string RequireRoot = "ContractGen.RequireRoot";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingAuthorization);

    private protected override IEnumerable<AttributeFix> GetFixes(SyntaxNode root, Diagnostic diagnostic)
    {
        // An inherited method is reported at the contract's name: there is no method here to annotate.
        if (AttributeEditing.FindDeclaration(root, diagnostic.Location) is not MethodDeclarationSyntax method)
        {
            return [];
        }

        var name = method.Identifier.ValueText;
        return
        [
            new AttributeFix($"Allow any local user to call '{name}'", AllowAnyLocalUserEquivalenceKey, new AttributeEdit(method, AllowAnyLocalUser)),
            new AttributeFix($"Allow only root to call '{name}'", RequireRootEquivalenceKey, new AttributeEdit(method, RequireRoot)),
        ];
    }
}

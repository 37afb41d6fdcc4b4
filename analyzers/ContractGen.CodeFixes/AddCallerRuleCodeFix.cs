using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ContractGen.CodeFixes;

/// <summary>
/// Fixes CGEN3006 with one of two explicit rules on the method: <c>[AllowAnyLocalUser]</c> (what the method already allows,
/// now said on purpose) or <c>[RequireRoot]</c> (the strictest rule). Anything in between is an <c>[AllowCallers]</c> the
/// author writes.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddCallerRuleCodeFix)), Shared]
public sealed class AddCallerRuleCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key of <em>Allow any local user to call 'X'</em>.</summary>
    public const string AllowAnyLocalUserEquivalenceKey = "ContractGen.AddAllowAnyLocalUser";

    /// <summary>The equivalence key of <em>Allow only root to call 'X'</em>.</summary>
    public const string RequireRootEquivalenceKey = "ContractGen.AddRequireRoot";

    private const string AllowAnyLocalUser = "ContractGen.AllowAnyLocalUser";
    private const string RequireRoot = "ContractGen.RequireRoot";

    private static readonly FixAllProvider FixAll = FixAllProvider.Create(async (context, document, diagnostics) =>
    {
        var attribute = context.CodeActionEquivalenceKey == RequireRootEquivalenceKey ? RequireRoot : AllowAnyLocalUser;
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var edits = root is null
            ? []
            : diagnostics.Select(d => AttributeEditing.FindDeclaration(root, d.Location)).OfType<MethodDeclarationSyntax>().Select(m => new AttributeEdit(m, attribute)).ToList();
        return await AttributeEditing.AddAttributesAsync(document, edits, context.CancellationToken).ConfigureAwait(false);
    });

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingAuthorization);

    /// <summary>Fix All edits each document once, adding the <c>using</c> once (see <see cref="AttributeEditing.AddAttributesAsync"/>).</summary>
    public override FixAllProvider GetFixAllProvider() => FixAll;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            // An inherited method is reported at the contract's name: there is no method here to annotate.
            if (AttributeEditing.FindDeclaration(root, diagnostic.Location) is not MethodDeclarationSyntax method)
            {
                continue;
            }

            var name = method.Identifier.ValueText;
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Allow any local user to call '{name}'",
                    cancellationToken => AttributeEditing.AddAttributesAsync(context.Document, [new AttributeEdit(method, AllowAnyLocalUser)], cancellationToken),
                    AllowAnyLocalUserEquivalenceKey),
                diagnostic);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Allow only root to call '{name}'",
                    cancellationToken => AttributeEditing.AddAttributesAsync(context.Document, [new AttributeEdit(method, RequireRoot)], cancellationToken),
                    RequireRootEquivalenceKey),
                diagnostic);
        }
    }
}

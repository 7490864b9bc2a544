using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace ESoviet.Web.Accounts;

/// <summary>
/// Keeps the Data Protection key ring in PostgreSQL (<c>data_protection_keys</c>), so every node and every restart
/// reads the same keys: a cookie issued by one node before a deploy is still valid on another after it.
/// </summary>
/// <remarks>
/// The keys are stored unencrypted. Whoever can read this table can already read every account's hashes and
/// every organization's log; encrypting the keys with a secret kept beside the connection string would not
/// raise that bar, and would add a secret to lose.
/// </remarks>
public sealed class DataProtectionKeys(NpgsqlDataSource dataSource) : IXmlRepository
{
    // IXmlRepository is synchronous; the framework calls it rarely (start-up, key ring refresh, key creation).
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY id");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = dataSource.CreateCommand("INSERT INTO data_protection_keys (friendly_name, xml) VALUES ($1, $2)");
        command.Parameters.AddWithValue(friendlyName);
        command.Parameters.AddWithValue(element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}

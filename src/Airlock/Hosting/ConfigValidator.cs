namespace Airlock.Hosting;

/// <summary>Checks the whole configuration and reports every error with its path, not just the first.</summary>
internal static class ConfigValidator
{
    public static IReadOnlyList<string> Validate(AirlockOptions options)
    {
        var errors = new List<string>();
        foreach (var url in options.ListenUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var listen) || listen.Scheme is not ("http" or "https") || listen.Port <= 0)
            {
                errors.Add($"listen: '{url}' is not a URL such as http://127.0.0.1:8080.");
            }
            else if (listen.Scheme == "https" && (options.Tls.CertificateFile is null || options.Tls.KeyFile is null))
            {
                errors.Add($"tls: the https listener {url} needs tls.certificateFile and tls.keyFile (PEM).");
            }
        }

        if (!options.ListenUrls.Any())
        {
            errors.Add("listen: give at least one URL.");
        }

        if (string.IsNullOrWhiteSpace(options.Store.Path))
        {
            errors.Add("store.path: must name the SQLite file.");
        }

        if (options.Sessions.MaxDurationSeconds is < 60 or > 43200)
        {
            errors.Add("sessions.maxDurationSeconds: must be between 60 and 43200.");
        }

        if (options.Limits.MaxBufferedBodyBytes < 1 || options.Limits.MaxBufferedBytesInFlight < options.Limits.MaxBufferedBodyBytes)
        {
            errors.Add("limits.maxBufferedBodyBytes and limits.maxBufferedBytesInFlight: must be 1 or more, and the second at least the first (or no body of the largest size could ever be read).");
        }

        errors.AddRange(Masking.MaskingValidator.Validate(options.Masking));
        if (options.Audit.CheckpointEvery < 1 || options.Audit.CheckpointSeconds < 1)
        {
            errors.Add("audit.checkpointEvery and audit.checkpointSeconds: must be 1 or more.");
        }

        if (options.Audit.Witness.Url is { } witness && (!Uri.TryCreate(witness, UriKind.Absolute, out var witnessUri) || witnessUri.Scheme is not ("http" or "https")))
        {
            errors.Add($"audit.witness.url: '{witness}' is not an http(s) URL.");
        }

        if (options.Audit.QueueCapacity < 1 || options.Audit.BatchSize < 1)
        {
            errors.Add("audit.queueCapacity and audit.batchSize: must be 1 or more.");
        }

        if (options.Issuers.Count == 0 && !options.DemoIssuer)
        {
            errors.Add("issuers: at least one trusted OIDC issuer is needed.");
        }

        for (var i = 0; i < options.Issuers.Count; i++)
        {
            var issuer = options.Issuers[i];
            if (!Uri.TryCreate(issuer.Issuer, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                errors.Add($"issuers[{i}].issuer: '{issuer.Issuer}' is not an http(s) URL.");
            }
            else if (uri.Scheme == "http" && !uri.IsLoopback)
            {
                errors.Add($"issuers[{i}].issuer: plain http is only allowed for loopback issuers.");
            }

            if (issuer.Audiences.Count == 0)
            {
                errors.Add($"issuers[{i}].audiences: list the audience(s) tokens must be issued for.");
            }
        }

        if (options.Connections.Count == 0)
        {
            errors.Add("connections: at least one connection is needed.");
        }

        for (var i = 0; i < options.Connections.Count; i++)
        {
            var connection = options.Connections[i];
            if (string.IsNullOrWhiteSpace(connection.Name) || connection.Name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_'))
            {
                errors.Add($"connections[{i}].name: '{connection.Name}' must be letters, digits, '-' or '_'.");
            }
            else if (options.Connections.Count(c => c.Name == connection.Name) > 1)
            {
                errors.Add($"connections[{i}].name: '{connection.Name}' is used twice.");
            }

            if (connection.Endpoint is not null && !Uri.TryCreate(connection.Endpoint, UriKind.Absolute, out _))
            {
                errors.Add($"connections[{i}].endpoint: '{connection.Endpoint}' is not a URL.");
            }

            var source = connection.Credentials.Source;
            if (source == "assume_role")
            {
                var role = connection.Credentials;
                if (role.RoleArn is null || !role.RoleArn.StartsWith("arn:", StringComparison.Ordinal))
                {
                    errors.Add($"connections[{i}].credentials.roleArn: assume_role needs the ARN of the role to assume.");
                }

                if (role.Base is null || role.Base.Source == "assume_role")
                {
                    errors.Add($"connections[{i}].credentials.base: assume_role needs the credential to call STS with (environment, static, file, profile or default).");
                }

                if (role.DurationSeconds is < 900 or > 43200)
                {
                    errors.Add($"connections[{i}].credentials.durationSeconds: between 900 and 43200.");
                }
            }
            else if (source is not ("environment" or "static" or "file" or "profile" or "default"))
            {
                errors.Add($"connections[{i}].credentials.source: '{source}' must be environment, static, file, profile, default or assume_role.");
            }
            else if (source == "static" && (connection.Credentials.AccessKeyIdEnv is null || connection.Credentials.SecretAccessKeyEnv is null))
            {
                errors.Add($"connections[{i}].credentials: 'static' needs accessKeyIdEnv and secretAccessKeyEnv.");
            }
            else if (source == "file" && (connection.Credentials.AccessKeyIdFile is null || connection.Credentials.SecretAccessKeyFile is null))
            {
                errors.Add($"connections[{i}].credentials: 'file' needs accessKeyIdFile and secretAccessKeyFile.");
            }
        }

        return errors;
    }
}

/**
 * The shell functions that create the cluster CA and issue certificates with openssl. The boot
 * script embeds exactly this text, and test/opensearch-certs.spec.ts runs exactly this text with
 * the real openssl, so what the tests prove about subjects is what the nodes get.
 * Keys are RSA in PKCS#8 PEM ("BEGIN PRIVATE KEY", what OpenSearch's PEM settings need; OpenSSL 3
 * writes PKCS#8 by default). Every certificate has serverAuth and clientAuth: nodes are servers
 * and clients of each other on the transport layer.
 */
export const CERT_FUNCTIONS = String.raw`# make_ca PREFIX SUBJECT: PREFIX.pem (self-signed CA, v3_ca of openssl.cnf) and PREFIX-key.pem.
make_ca() {
  openssl req -x509 -new -newkey rsa:3072 -nodes -sha256 -days 3650 \
    -subj "$2" -keyout "$1-key.pem" -out "$1.pem" 2>/dev/null
}
# issue_cert PREFIX SUBJECT SAN CA_CERT CA_KEY: PREFIX.pem signed by the CA and PREFIX-key.pem.
issue_cert() {
  openssl req -new -newkey rsa:2048 -nodes -subj "$2" -keyout "$1-key.pem" -out "$1.csr" 2>/dev/null &&
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n' "$3" >"$1.ext" &&
    openssl x509 -req -in "$1.csr" -CA "$4" -CAkey "$5" -set_serial "0x$(openssl rand -hex 16)" \
      -days 3650 -sha256 -extfile "$1.ext" -out "$1.pem" 2>/dev/null &&
    rm -f "$1.csr" "$1.ext"
}
`;

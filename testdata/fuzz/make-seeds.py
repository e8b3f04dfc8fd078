#!/usr/bin/env python3
# make-seeds.py: writes the seed corpora of body_fuzz, entry_fuzz,
# intoto_fuzz, pem_fuzz, signing_fuzz, fulcio_fuzz and endpoint_fuzz from
# the data of testdata/conformance, third_party/sigstore and oidc_fuzz.
# Run from anywhere; rewrites the files in place.
#   body_fuzz    decoded canonicalizedBody of the conformance bundles, one
#                file per distinct body (up to 10, one of each kind)
#   entry_fuzz   tle-*: a bundle's tlog entry as is (the Rekor v2 reply);
#                v1-reply-*: the same entry as a Rekor v1 API reply
#   intoto_fuzz  the DSSE payloads (in-toto statements) of the bundles
#   pem_fuzz     Fulcio leaves of the bundles, the production trusted
#                root's CA chains and log keys (PEM, and one DER each)
#   signing_fuzz third_party/sigstore's signing configs
#   fulcio_fuzz  signingCert replies built from a bundle's leaf and the
#                production chain; a detached-SCT reply (refused)
import base64, json, os, glob, subprocess, hashlib
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
F='testdata/fuzz'
def out(h, name, data):
    d=os.path.join(F,h); os.makedirs(d, exist_ok=True)
    if isinstance(data,str): data=data.encode()
    open(os.path.join(d,name),'wb').write(data)
def pem(label, der):
    b=base64.b64encode(der).decode()
    return '-----BEGIN %s-----\n%s\n-----END %s-----\n'%(label,'\n'.join(b[i:i+64] for i in range(0,len(b),64)),label)
bundles=sorted(glob.glob('testdata/conformance/bundle-verify/*/bundle.sigstore.json'))
seen_kinds=set(); seen_v1=set(); seen_bodies=set(); nbody=0
for p in bundles:
    name=p.split('/')[-2]
    try: b=json.load(open(p))
    except Exception: continue
    vm=b.get('verificationMaterial',{})
    for i,e in enumerate(vm.get('tlogEntries',[]) or []):
        kv=e.get('kindVersion',{}); k=(kv.get('kind'),kv.get('version'))
        try: body=base64.b64decode(e.get('canonicalizedBody',''))
        except Exception: continue
        hb=hashlib.sha256(body).hexdigest()
        if hb not in seen_bodies and (k not in seen_kinds or nbody<10):
            out('body_fuzz', '%s-%s-%s.json'%(k[0],k[1],hb[:8]), body); nbody+=1
            seen_bodies.add(hb)
        ipc=(e.get('inclusionProof') or {}).get('checkpoint',{}).get('envelope')
        if ipc and k not in seen_v1 and 'rekor2' not in name and not name.endswith('_fail') and k!=('hashedrekord','0.0.2'):
            seen_v1.add(k)
            v1={'body':e['canonicalizedBody'],'integratedTime':int(e['integratedTime']),
                'logID':base64.b64decode(e['logId']['keyId']).hex(),'logIndex':int(e['logIndex']),
                'verification':{'signedEntryTimestamp':e['inclusionPromise']['signedEntryTimestamp'],
                  'inclusionProof':{'checkpoint':ipc,'hashes':[base64.b64decode(h).hex() for h in e['inclusionProof'].get('hashes',[])],
                  'logIndex':int(e['inclusionProof']['logIndex']),'rootHash':base64.b64decode(e['inclusionProof']['rootHash']).hex(),
                  'treeSize':int(e['inclusionProof']['treeSize'])}}}
            out('entry_fuzz','v1-reply-%s-%s.json'%(k[0],k[1]), json.dumps({hashlib.sha256(body).hexdigest():v1}, indent=2))
        if k not in seen_kinds:
            # v2 reply / TransparencyLogEntry as the bundle holds it
            out('entry_fuzz', 'tle-%s-%s.json'%(k[0],k[1]), json.dumps(e, indent=2))
            # the same as a Rekor v1 API reply
            v1={}
            v1['body']=e.get('canonicalizedBody')
            if 'integratedTime' in e: v1['integratedTime']=int(e['integratedTime'])
            v1['logID']=base64.b64decode(e['logId']['keyId']).hex()
            v1['logIndex']=int(e['logIndex'])
            ver={}
            if 'inclusionPromise' in e: ver['signedEntryTimestamp']=e['inclusionPromise']['signedEntryTimestamp']
            ip=e.get('inclusionProof')
            if ip:
                ver['inclusionProof']={'checkpoint':ip.get('checkpoint',{}).get('envelope',''),
                  'hashes':[base64.b64decode(h).hex() for h in ip.get('hashes',[])],
                  'logIndex':int(ip['logIndex']),'rootHash':base64.b64decode(ip['rootHash']).hex(),
                  'treeSize':int(ip['treeSize'])}
            v1['verification']=ver
        seen_kinds.add(k)
    # in-toto statements
    dsse=b.get('dsseEnvelope')
    if dsse:
        try: out('intoto_fuzz','%s.json'%name, base64.b64decode(dsse['payload']))
        except Exception: pass
    # certificates
    cert=vm.get('certificate',{}).get('rawBytes')
    if cert and not name.endswith('_fail'):
        der=base64.b64decode(cert)
        out('pem_fuzz','leaf-%s.pem'%name, pem('CERTIFICATE', der))
for st in ['testdata/conformance/statement.json']:
    out('intoto_fuzz','conformance-statement.json', open(st,'rb').read())
# signing configs
for p in sorted(glob.glob('third_party/sigstore/signing_config*.json')):
    out('signing_fuzz', os.path.basename(p), open(p,'rb').read())
# PEM: trusted-root certs and keys; fulcio replies
root=json.load(open('third_party/sigstore/trusted_root.json'))
for i,ca in enumerate(root['certificateAuthorities']):
    ders=[base64.b64decode(c['rawBytes']) for c in ca['certChain']['certificates']]
    out('pem_fuzz','fulcio-chain-%d.pem'%i, ''.join(pem('CERTIFICATE',d) for d in ders))
    if i==0: out('pem_fuzz','fulcio-ca-0.der', ders[0])
for i,t in enumerate(root['tlogs']):
    der=base64.b64decode(t['publicKey']['rawBytes'])
    out('pem_fuzz','tlog-key-%d.pem'%i, pem('PUBLIC KEY',der))
    if i==0: out('pem_fuzz','tlog-key-0.der', der)
for i,t in enumerate(root['ctlogs'][:2]):
    out('pem_fuzz','ctlog-key-%d.pem'%i, pem('PUBLIC KEY',base64.b64decode(t['publicKey']['rawBytes'])))
# Fulcio replies: a conformance bundle's Fulcio leaf and the production chain
chain=[base64.b64decode(c['rawBytes']) for c in root['certificateAuthorities'][-1]['certChain']['certificates']]
for name in ['happy-path-v0.3','happy-path-intoto-in-dsse-v3']:
    b=json.load(open('testdata/conformance/bundle-verify/%s/bundle.sigstore.json'%name))
    vm=b['verificationMaterial']
    leaf=base64.b64decode(vm['certificate']['rawBytes']) if 'certificate' in vm else base64.b64decode(vm['x509CertificateChain']['certificates'][0]['rawBytes'])
    rep={'signedCertificateEmbeddedSct':{'chain':{'certificates':[pem('CERTIFICATE',d) for d in [leaf]+chain]}}}
    out('fulcio_fuzz','reply-%s.json'%name, json.dumps(rep, indent=2))
out('fulcio_fuzz','detached_fail.json', json.dumps({'signedCertificateDetachedSct':{'chain':{'certificates':[pem('CERTIFICATE',chain[0])]},'signedCertificateTimestamp':'AA=='}}))
# endpoint_fuzz: a selector byte (0 discovery, 1 token reply 200, 2 token
# reply 400), then the body: the public-good issuer's discovery document
# (Dex; its shape), the testbed provider's (scripts/testbed-server/lib/
# oidc.js) under that issuer, broken ones, and token replies around the
# JWTs of oidc_fuzz.
def ep(name, sel, obj):
    body = obj if isinstance(obj, bytes) else json.dumps(obj, indent=2).encode()
    out('endpoint_fuzz', name, bytes([sel]) + body)
i = 'https://oauth2.sigstore.dev/auth'
ep('discovery-sigstore.json', 0, {"issuer": i, "authorization_endpoint": i + "/auth", "token_endpoint": i + "/token", "jwks_uri": i + "/keys", "userinfo_endpoint": i + "/userinfo", "device_authorization_endpoint": i + "/device/code", "grant_types_supported": ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"], "response_types_supported": ["code"], "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256", "plain"], "scopes_supported": ["openid", "email", "groups", "profile", "offline_access"], "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"], "claims_supported": ["iss", "sub", "aud", "iat", "exp", "email", "email_verified", "locale", "name", "preferred_username", "at_hash"]})
ep('discovery-testbed.json', 0, {"issuer": i + "/", "authorization_endpoint": i + "/auth", "token_endpoint": i + "/token", "jwks_uri": i + "/keys", "userinfo_endpoint": i + "/userinfo", "grant_types_supported": ["authorization_code"], "response_types_supported": ["code"], "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256", "ES256"], "code_challenge_methods_supported": ["S256"], "scopes_supported": ["openid", "email", "profile"], "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"], "claims_supported": ["iss", "sub", "aud", "iat", "exp", "email", "email_verified", "nonce", "at_hash"]})
ep('discovery-loopback.json', 0, {"issuer": i, "authorization_endpoint": "http://127.0.0.1:5556/auth", "token_endpoint": "http://[::1]:5556/token"})
ep('discovery-wrong-issuer_fail.json', 0, {"issuer": "https://evil.example", "authorization_endpoint": i + "/auth", "token_endpoint": i + "/token"})
ep('discovery-no-s256_fail.json', 0, {"issuer": i, "authorization_endpoint": i + "/auth", "token_endpoint": i + "/token", "code_challenge_methods_supported": ["plain"]})
for jwt in ['sigstore-dex.jwt', 'es256-multi-aud.jwt', 'email-unverified.jwt', 'expired_fail.jwt']:
    t = open('testdata/fuzz/oidc_fuzz/' + jwt).read().strip()
    ep('token-' + jwt.replace('.jwt', '.json'), 1, {"access_token": "eyJhbGciOi.e30.sig", "token_type": "bearer", "expires_in": 60, "id_token": t, "scope": "openid email"})
ep('token-no-id-token_fail.json', 1, {"access_token": "x", "token_type": "bearer"})
ep('error-invalid-grant.json', 2, {"error": "invalid_grant", "error_description": "Invalid or expired code."})
ep('error-authorization-pending.json', 2, {"error": "authorization_pending"})
ep('error-not-json.txt', 2, b"<html>Bad Request</html>")
# inputs the harnesses once refused wrongly (their checks were too strict)
ep('discovery-uppercase-scheme.json', 0, {"issuer": i, "authorization_endpoint": "httpS://oauth2.sigstore.dev/auth/auth", "token_endpoint": i + "/token"})
out('intoto_fuzz', 'no-predicate-type.json', json.dumps({"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "a.txt", "digest": {"sha256": "a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf"}}], "predicate": {}}))

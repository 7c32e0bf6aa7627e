#!/usr/bin/env bash
# Walks one constructor's registration with curl against a running `npm start` (BASE, default
# http://localhost:3000; DATA_DIR, default .data): real-name data verified in person at the authority, initial
# registration through every stage, the certificate claimed and verified; then a renewal (which needs the
# specialty inside the renewal window: start the server with RENEWAL_WINDOW_DAYS=1200 to renew a fresh one
# today, as CI does) and a cancellation of everything, after which the certificate verifies as void.
# Needs curl and node. Exits non-zero at the first step that fails.
set -euo pipefail
BASE=${BASE:-http://localhost:3000}
OUTBOX=${DATA_DIR:-.data}/sms-outbox.jsonl
APPLICANT=${APPLICANT:-139$(date +%s | tail -c 9)}
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s));console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"; }
code_for() { sleep 1.5; grep "\"$1\"" "$OUTBOX" | tail -1 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(/(?<!\d)\d{6}(?!\d)/.exec(JSON.parse(s).text)[0]))'; }
post() { curl -sf -X POST "$BASE$1" -H 'content-type: application/json' ${TOKEN:+-H "authorization: Bearer $TOKEN"} -d "${2:-{\}}"; }
put() { curl -sf -X PUT "$BASE$1" -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" -d "$2"; }
get() { curl -sf "$BASE$1" -H "authorization: Bearer $TOKEN"; }
login() {
  TOKEN= post /api/auth/sms-codes "{\"phone\":\"$1\"}" >/dev/null || { echo "   (a code was sent to $1 less than 60 s ago: waiting)"; sleep 61; TOKEN= post /api/auth/sms-codes "{\"phone\":\"$1\"}" >/dev/null; }
  TOKEN=$(TOKEN= post /api/auth/sessions "{\"phone\":\"$1\",\"code\":\"$(code_for "$1")\"}" | json accessToken); }

# asks for a signing code; a code to the same phone less than 60 s ago means waiting for the resend
send_code() { post "$1" >/dev/null || { echo "   (a code was sent less than 60 s ago: waiting)"; sleep 61; post "$1" >/dev/null; }; }
# one login per person, reused (each login spends one of the phone's SMS codes and a 60 s resend wait)
declare -A TOKENS
as() { if [ -z "${TOKENS[$1]:-}" ]; then login "$1"; TOKENS[$1]=$TOKEN; fi; TOKEN=${TOKENS[$1]}; }

echo "1. applicant $APPLICANT logs in and sets real-name data"
as "$APPLICANT"; APPLICANT_TOKEN=$TOKEN
ID17=3101011990030712$((RANDOM % 10)); ID=$(node -e 'const w=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2];const s=[...process.argv[1]].reduce((a,c,i)=>a+c*w[i],0);console.log(process.argv[1]+"10X98765432"[s%11])' "$ID17")
put /api/me/identity "{\"name\":\"张建国\",\"idNumber\":\"$ID\"}" | json idNumberMasked
echo "   the reviewer (13800000009) verifies the person in person (the alternative to the camera check)"
as 13800000009
post /api/review/in-person-verifications "{\"idNumber\":\"$ID\"}" | json name
TOKEN=$APPLICANT_TOKEN
echo "2. verifies the employer's full name, creates and saves the form"
get "/api/enterprises?name=%E4%B8%8A%E6%B5%B7%E5%BB%BA%E5%92%8C%E5%B7%A5%E7%A8%8B%E5%92%A8%E8%AF%A2%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8"; echo
APP=$(post /api/applications '{"profession":"constructor","type":"initial"}')
APP_ID=$(echo "$APP" | json id); echo "   acceptance number $(echo "$APP" | json acceptanceNo)"
put "/api/applications/$APP_ID" '{"version":0,"form":{"employer":{"name":"上海建和工程咨询有限公司","uscc":"91310115MA1K3YJH5A","phone":"021-55501234"},"specialties":[{"specialty":"building","issueDate":"2025-03-21"}],"continuingEducation":[],"declarationAccepted":true}}' | json statusLabel
echo "3. signs the form PDF with an SMS code"
post "/api/applications/$APP_ID/signatures/sms-code" | json phoneMasked
post "/api/applications/$APP_ID/signatures" "{\"code\":\"$(code_for "$APPLICANT")\"}" | json fileName
echo "4. the employer's operator (13800000002) counter-signs"
as 13800000002
post "/api/enterprise/applications/$APP_ID/signatures/sms-code" >/dev/null
post "/api/enterprise/applications/$APP_ID/signatures" "{\"code\":\"$(code_for 13800000002)\",\"opinionAccepted\":true}" | json status
curl -sf "$BASE/api/applications/$APP_ID/form.pdf" -H "authorization: Bearer $TOKEN" -o /tmp/zyt-form.pdf && echo "   signed form: /tmp/zyt-form.pdf (check: pdfsig /tmp/zyt-form.pdf)"
echo "5. the reviewer (13800000009) passes every stage"
as 13800000009
for stage in acceptance first_review second_review approval; do post "/api/review/applications/$APP_ID/decisions" "{\"stage\":\"$stage\",\"outcome\":\"pass\"}" | json statusLabel; done
echo "6. the applicant claims and downloads the certificate"
TOKEN=$APPLICANT_TOKEN
CERT=$(get /api/certificates | json 0.id)
post "/api/certificates/$CERT/claim" | json registrationNo
curl -sf "$BASE/api/certificates/$CERT/certificate.pdf" -H "authorization: Bearer $TOKEN" -o /tmp/zyt-certificate.pdf && echo "   certificate: /tmp/zyt-certificate.pdf"
echo "7. anyone verifies the QR code's token"
URL=$(get /api/certificates | json 0.verifyUrl); echo "   $URL"
curl -sf "$BASE/api/public/certificates/verify?token=${URL##*/v/}" | json status
echo "8. the register now holds the registration"
REG=$(get /api/registrations)
echo "   $(echo "$REG" | json 0.registrationNo), $(echo "$REG" | json 0.specialties.0.specialty) valid until $(echo "$REG" | json 0.specialties.0.validUntil)"
# signs, has the employer counter-sign and, where the matter has a route, the reviewer pass every stage
complete() {
  TOKEN=$APPLICANT_TOKEN
  send_code "/api/applications/$1/signatures/sms-code"
  post "/api/applications/$1/signatures" "{\"code\":\"$(code_for "$APPLICANT")\"}" >/dev/null
  as 13800000002
  send_code "/api/enterprise/applications/$1/signatures/sms-code"
  STATUS=$(post "/api/enterprise/applications/$1/signatures" "{\"code\":\"$(code_for 13800000002)\",\"opinionAccepted\":true}" | json status)
  if [ "$STATUS" != completed ]; then
    as 13800000009
    for stage in acceptance first_review second_review approval; do STATUS=$(post "/api/review/applications/$1/decisions" "{\"stage\":\"$stage\",\"outcome\":\"pass\"}" | json status); done
  fi
  echo "   $STATUS"
  TOKEN=$APPLICANT_TOKEN
}
echo "9. renewal (延续注册) of the specialty"
TOKEN=$APPLICANT_TOKEN
RENEWAL=$(get /api/matters?profession=constructor | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s).find(x=>x.type==="renewal");console.log(m.available?"open":m.reason)})')
if [ "$RENEWAL" != open ]; then echo "   renewal not open: $RENEWAL (start the server with RENEWAL_WINDOW_DAYS=1200 to renew a new registration today)"; exit 1; fi
APP=$(post /api/applications '{"profession":"constructor","type":"renewal"}'); APP_ID=$(echo "$APP" | json id)
put "/api/applications/$APP_ID" '{"version":0,"form":{"employer":{"phone":"021-55501234"},"specialties":[{"specialty":"building","compulsoryHours":60,"electiveHours":60}],"declarationAccepted":true}}' | json statusLabel
complete "$APP_ID"
echo "   building now valid until $(get /api/registrations | json 0.specialties.0.validUntil)"
expect() { echo "   $2"; [ "$2" = "$1" ] || { echo "   expected $1" >&2; exit 1; }; }
echo "10. the first certificate now verifies as superseded; the new version is valid"
expect superseded "$(curl -sf "$BASE/api/public/certificates/verify?token=${URL##*/v/}" | json status)"
URL=$(get /api/certificates | json 0.verifyUrl)
expect valid "$(curl -sf "$BASE/api/public/certificates/verify?token=${URL##*/v/}" | json status)"
echo "11. cancellation (注销注册) of every specialty: completes when the employer signs, no review"
APP=$(post /api/applications '{"profession":"constructor","type":"cancellation"}'); APP_ID=$(echo "$APP" | json id)
put "/api/applications/$APP_ID" '{"version":0,"form":{"employer":{"phone":"021-55501234"},"specialties":["building"],"reason":"contract_ended","declarationAccepted":true}}' | json statusLabel
complete "$APP_ID"
expect cancelled "$(get /api/registrations | json 0.status)"
expect void "$(curl -sf "$BASE/api/public/certificates/verify?token=${URL##*/v/}" | json status)"
echo "walkthrough complete"

from datetime import date

from tests.participants.helpers import enrolled, participant, running_cohort


async def test_the_whole_way_through(client, world, api_as):
    leader = await api_as("leader")
    admin = await api_as("admin")
    person = await participant(client, leader, world)
    assert person["consent"]["participation"] is True
    cohort = await running_cohort(client, world, admin)
    enrolment = await enrolled(client, leader, cohort["id"], person["id"])
    assert enrolment["status"] == "enrolled"
    r = await client.put(f"/api/v1/cohorts/{cohort['id']}/sessions/1/attendance/{person['id']}",
                         json={"status": "absent"}, headers=leader)
    assert r.status_code == 200, r.text
    r = await client.put(f"/api/v1/cohorts/{cohort['id']}/sessions/2/attendance/{person['id']}",
                         json={"status": "absent"}, headers=leader)
    assert r.status_code == 200, r.text
    roster = (await client.get(f"/api/v1/cohorts/{cohort['id']}/enrolments", headers=leader)).json()
    assert roster[0]["warnings"][0]["code"] == "missed_twice", roster
    r = await client.put("/api/v1/me/availability", json={"weekly": [
        {"weekday": d, "start_time": "08:00", "end_time": "16:00"} for d in range(1, 6)]}, headers=leader)
    assert r.status_code == 200, r.text
    plan = await client.post(f"/api/v1/cohorts/{cohort['id']}/talk-plan", json={}, headers=leader)
    assert plan.status_code == 200, plan.text
    talks = plan.json()["talks"]
    accept = await client.post(f"/api/v1/cohorts/{cohort['id']}/talk-plan/accept", json={"talks": [
        {"participant_id": t["participant"]["id"], "leader_id": t["leader"]["id"], "date": t["date"],
         "start_time": t["start_time"], "end_time": t["end_time"]} for t in talks]}, headers=leader)
    assert accept.status_code == 201, accept.text
    talk = accept.json()[0]
    r = await client.patch(f"/api/v1/talks/{talk['id']}", json={"note": "Snakket om skole og ønsker."}, headers=leader)
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/v1/talks/{talk['id']}", headers=leader)
    assert r.json()["note"] == "Snakket om skole og ønsker."
    link = await client.post(f"/api/v1/participants/{person['id']}/link", headers=leader)
    assert link.status_code == 201, link.text
    page = await client.get(link.json()["url"].split("testserver.local")[-1].replace("http://localhost:8000", ""))
    summary = await client.get(f"/api/v1/cohorts/{cohort['id']}/summary", headers=await api_as("manager"))
    assert summary.status_code == 200, summary.text
    assert "Sølvi" not in summary.text
    r = await client.put(f"/api/v1/enrolments/{enrolment['id']}/outcome",
                         json={"kind": "school", "date": date.today().isoformat()}, headers=leader)
    assert r.status_code == 200, r.text
    print(plan.json()["unplaced"], page.status_code)
